/**
 * Work a webhook accepted and left for after its answer (grading a push, collecting a run), a few at
 * a time per process. A burst accepted faster than it is worked through must not put hundreds of
 * transactions ahead of the next webhook's one insert (PGlite runs one statement at a time), so the
 * rest wait their turn here, in arrival order; what they are about is safe in the ledger already.
 */

/** Pieces of work run at once. */
const AT_ONCE = 4;
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` when fewer than four others run; resolves with it. */
export async function inTurn(work: () => Promise<void>): Promise<void> {
  // A slot is handed straight to the next in line, so none is taken in between by a newcomer.
  if (running >= AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}
