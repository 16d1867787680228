/** meshsim's version, written into every result. A test keeps it equal to package.json's. */
export const MESHSIM_VERSION = '0.1.0';
