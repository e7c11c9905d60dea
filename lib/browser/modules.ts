/**
 * The browser libraries, imported on first use only: functions whose jobs never open a
 * browser never load them (cold import time), and a launch does not go through the module
 * loader again.
 */
import { lazyUntilRejected } from "../promise-cache.js";

/** playwright-core. */
export const loadPlaywright = lazyUntilRejected(() => import("playwright-core"));

/** @sparticuz/chromium. Its executablePath() is still asked every launch: it unpacks again if /tmp was wiped. */
export const loadSparticuz = lazyUntilRejected(() => import("@sparticuz/chromium"));
