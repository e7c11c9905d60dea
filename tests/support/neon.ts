/**
 * Point @neondatabase/serverless at the local shims. neonConfig is GLOBAL in
 * the driver (per process), so call this once per test file (beforeAll).
 */
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";
import type { TestServices } from "./env.js";

export function configureNeonForTests(postgres: NonNullable<TestServices["postgres"]>): void {
  // HTTP: neon()
  neonConfig.fetchEndpoint = () => postgres.neonHttpUrl;
  // WebSocket: Pool / Client
  neonConfig.webSocketConstructor = ws;
  neonConfig.wsProxy = () => postgres.wsProxy;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false; // with trust auth the default pipelining breaks
  neonConfig.coalesceWrites = false;
}
