/** Test helper: the XbotError a promise rejects with. */
import { expect } from "vitest";
import { XbotError } from "../../lib/errors.js";

/** The XbotError a promise rejects with (fails the test if it resolves or throws something else). */
export async function failure(work: Promise<unknown>): Promise<XbotError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XbotError);
  return error as XbotError;
}
