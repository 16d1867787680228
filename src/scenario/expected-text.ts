/**
 * Human phrases for what a schema accepts, for the "expected …" half of error messages where
 * the phrase cannot be derived from the schema's checks (durations, which are a number OR a
 * string with a unit). A separate registry from zod's global one, so none of this leaks into
 * the published JSON Schema. Clones made by `.describe()`, `.refine()` etc. inherit entries.
 */
import { z } from 'zod';

export const expectedText = z.registry<{ expected: string }>();
