/** Process exit codes; documented in the README ("Exit codes"). */
export const EXIT = {
  OK: 0,
  /** Something failed at run time (a dependency, an unexpected error). */
  FAILURE: 1,
  /** Invalid configuration, rule files or arguments: fix the input and run again. */
  INVALID_INPUT: 2,
  /** `rules test`: at least one fixture case did not give the expected decision. */
  TESTS_FAILED: 3,
} as const;
