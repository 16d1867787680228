// `node --import ./register-deny-chart-packages.mjs …`: see deny-chart-packages.mjs.
import { register } from 'node:module';

register('./deny-chart-packages.mjs', import.meta.url);
