/**
 * The command line validates a handful of scenarios per process. zod's default compiles a
 * parser for each object schema with `new Function` on its first use, which pays off only over
 * many parses, and such code is never in the launcher's code cache (scripts/bundle-cli.mjs);
 * without it a short run starts about 4 ms sooner. Imported for its effect by the commands that
 * load scenarios; the library leaves zod's setting alone, since zod's configuration is global
 * to the process that embeds meshsim.
 */
import { z } from 'zod';

z.config({ jitless: true });
