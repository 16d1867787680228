/**
 * The metrics of one replication of one strategy. Field names are the metric paths of
 * CONTRACT.md (`latency.p99`, `imbalance.cov`, …) used in summary.json and summary.csv.
 * Times are milliseconds; rates are per second.
 */
export interface LatencyMetrics {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface ReplicationMetrics {
  /** Requests counted: arrivals after the warm-up. */
  T: number;
  /** Instances. */
  S: number;
  /** Load factor T/S. */
  L: number;
  /** Failure rate f/S: instances faulty during the counted window over instances. */
  F: number;
  /** Recovery rate r/T: counted requests that failed an attempt and still succeeded. */
  R: number;
  /** Every arrival, counted or not. */
  arrived: number;
  completed: number;
  /** Ended without a response for another reason than timeout or rejection (e.g. no endpoint). */
  failed: number;
  timedOut: number;
  /** Refused by a full instance queue. */
  rejected: number;
  /** Counted requests still unfinished when the run stopped (only with `drain`). */
  inFlightAtEnd: number;
  /** Counted requests per second of the counted window: the load offered. */
  offered: number;
  /** Completed counted requests per second of the counted window. */
  goodput: number;
  /** Completed over counted. */
  availability: number;
  /**
   * Latency of completed counted requests, from arrival at the client to the response. A
   * timed-out request has none, so with timeouts these are censored (see analysis/censoring.ts).
   */
  latency: LatencyMetrics;
  /**
   * Of the requests each instance served per unit of its capacity (perInstance / speed), so
   * an equal split over instances of unequal speed counts as imbalanced.
   */
  imbalance: { maxOverMean: number; cov: number };
  /** Counted requests served (completed service) per instance. */
  perInstance: number[];
  /**
   * ρ: service time of the counted requests begun at the instances, over the servers' time in
   * the counted window. Above 1 at an instance, its backlog outlasted the window.
   */
  utilisation: number;
  /** ρ of each instance (service time at its own speed over concurrency × counted window). */
  perInstanceUtilisation: number[];
  /** f: instances with a fault at some point of the counted window. */
  faultyInstances: number;
  detection: {
    /** Fault episodes (per instance) during the run. */
    faults: number;
    /** ms from a fault's start to its first detection by any mechanism; NaN when none was detected. */
    meanTimeToDetect: number;
    maxTimeToDetect: number;
    /** Faults never detected while active; NaN when no detector is configured (nothing could detect them). */
    missed: number;
    /** Unhealthy marks, ejections or suspicions of an instance with no active fault. */
    falsePositives: number;
  };
  recovery: {
    /** r: counted requests that failed an attempt and still succeeded. */
    recoveredRequests: number;
    /** Counted requests with at least one failed attempt: r never exceeds it. */
    requestsMeetingFailure: number;
    /** ms from a fault's start until its instance serves and every client has it in rotation again. */
    meanTimeToRecover: number;
    maxTimeToRecover: number;
    /** Faults not back in rotation by the end of the counted window (a fault still active then counts). */
    unrecovered: number;
    /** Fault incidents (overlapping faults form one) in the counted window. */
    incidents: number;
    /**
     * ms, the longest over incidents from the fault's start until every window of the SLO's
     * per-window objectives held again (src/slo); NaN without incidents that recovered or without
     * a per-window objective.
     */
    serviceTimeToRecover: number;
    /** Incidents after which the SLO's windows did not all hold again before the run ended. */
    serviceUnrecovered: number;
    /** Restarts by the supervisor. */
    restarts: number;
  };
  retries: {
    /** Retry attempts sent. */
    sent: number;
    /** Retries not sent because the retry budget (or max_retries) was exhausted. */
    budgetRefused: number;
    /** Requests failed at once by a client's circuit breaker (max requests and max pending full). */
    circuitBreakerOverflows: number;
    /** Attempts sent, first attempts included. */
    attempts: number;
    maxAttemptsPerRequest: number;
  };

  /** The scenario's SLO (its `slo:`, or the default) judged on this replication. */
  slo: SloMetrics;

  /** Simulated time at the end of the run (ms). */
  simulatedTime: number;
  /** Only for scenarios whose instances come and go (membership, discovery, autoscaling keys). */
  membership?: MembershipMetrics;
}

/**
 * Instances that join and leave (docs/discovery.md): requests that met a gone endpoint, how
 * endpoint changes reached the clients, capacity, pods, the cold-start penalty, autoscaling.
 * Counts are attempts after the warm-up; durations ms unless named in seconds.
 */
export interface MembershipMetrics {
  sentToGone: {
    total: number;
    /** Refused: xDS had not removed the endpoint at the client yet (the termination race). */
    staleEndpoint: number;
    /** Refused: the client's DNS answer still listed the pod. */
    dnsCache: number;
    /** Refused: Envoy kept the host, dropped by discovery, while it passed health checks. */
    retainedHealthy: number;
    /** Reset: held by the pod at SIGKILL. */
    killedInFlight: number;
    /** Reset: held when the application exited at its drain timeout. */
    drainCutOff: number;
  };
  /** Per (change, client): trigger (pod Ready, or deleted / gone) → applied; convergence per change: the slowest client. */
  propagation: {
    additionsP99: number;
    additionsMax: number;
    removalsP99: number;
    removalsMax: number;
    convergenceP99: number;
    convergenceMax: number;
    /** Endpoint changes every client applied. */
    changes: number;
    unconverged: number;
  };
  /** ∫ max(0, replicas − n(t)) dt in pod-seconds: n the Deployment's available pods, or per client those it routes to that accept connections (worst client). */
  capacity: {
    deploymentDeficit: number;
    minAvailable: number;
    clientDeficitMax: number;
    minRoutable: number;
  };
  pods: {
    created: number;
    killed: number;
    /** ∫ pods alive dt after the warm-up (s): the cost. */
    podSeconds: number;
    rollouts: number;
    rolloutsCompleted: number;
    maxRolloutDuration: number;
  };
  /** Response times (sent → response at the client) of attempts served by pods in their first `membership.coldWindow`, and of the others. */
  coldStart: {
    coldResponses: number;
    warmResponses: number;
    coldP50: number;
    coldP99: number;
    warmP50: number;
    warmP99: number;
    coldMean: number;
    warmMean: number;
  };
  autoscaling?: {
    /** Autoscaler syncs (HPA) or ticks (KPA). */
    decisions: number;
    /** Changes of the replicas. */
    scaleEvents: number;
    /** A scale-up after a scale-down or the reverse: flapping. */
    directionFlips: number;
    maxReplicas: number;
    /** Scale-up decision → every client routes to at least the new replicas. */
    meanScaleUpToRoutable: number;
    maxScaleUpToRoutable: number;
  };
}

/** An SLO verdict as numbers (summaries average them: `met` becomes the share of replications). */
export interface SloMetrics {
  /** 1 when every objective holds, else 0. */
  met: number;
  /** The least margin over the objectives (negative when violated). */
  margin: number;
  /** Per objective, in the SLO's order. */
  objectives: SloObjectiveMetrics[];
}

export interface SloObjectiveMetrics {
  met: number;
  margin: number;
  /** The SLI where the margin was least: the worst window, fault or the run; NaN when nothing was judged. */
  value: number;
}
