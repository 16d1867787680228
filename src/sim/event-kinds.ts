/**
 * The event kinds of both event loops (Simulation and FastSimulation), in one place so that
 * ties at equal times resolve the same way in both. The kind is also the priority at equal
 * times (see EventQueue): a departure frees its server before anything else happens at that
 * instant, responses beat a timeout due at the same moment, and instance state changes come
 * after the traffic of that instant. Arrivals are not heap events (see Simulation.run) and come
 * after all of these.
 */
export const EV_DONE = 0; // target: attempt (service completion)
export const EV_RESPONSE = 1; // target: attempt; the outcome is in the attempt's own record
export const EV_TIMEOUT = 2; // target: client (overall request timeouts)
export const EV_TRY_TIMEOUT = 3; // target: client (per-try timeouts)
export const EV_REACH = 4; // target: attempt
export const EV_RETRY = 5; // target: request
export const EV_FAULT_START = 6; // target: episode
export const EV_FAULT_END = 7; // target: episode
export const EV_RESTART = 8; // target: instance (the supervisor starts it)
export const EV_STARTED = 9; // target: instance (startup finished)
export const EV_CRASHLOOP = 10; // target: instance (a crash-looping process dies again)
export const EV_MEMBERSHIP = 11; // target: unused (DynamicMembership: pods, discovery, autoscaling; background)
/** Kinds from this one on belong to Detectors (background events). */
export const FIRST_DETECTOR_EVENT = 12;
