/**
 * WebSocket-to-TCP proxy so the Neon `Pool`/`Client` (which tunnel the
 * Postgres wire protocol over a WebSocket) reach a local Postgres.
 *
 * The upstream is always the proxy's own config (127.0.0.1:port); the database
 * and user travel inside the Postgres startup message, untouched.
 *
 * Client config (see configureNeonForTests in ./neon.ts):
 *   neonConfig.webSocketConstructor = ws; neonConfig.wsProxy = () => "127.0.0.1:PORT/";
 *   useSecureWebSocket = false; pipelineTLS = false; pipelineConnect = false; coalesceWrites = false.
 */
import net from "node:net";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { sendJson, startShimServer, type ShimHandle } from "./shim-server.js";

export interface NeonWsProxyOptions {
  /** Upstream Postgres port on 127.0.0.1. */
  port: number;
  host?: string;
}

export interface NeonWsProxy extends ShimHandle {
  /** "127.0.0.1:PORT/" : what `neonConfig.wsProxy` should return. */
  wsProxy: string;
  /** Number of open tunnels right now. */
  openConnections(): number;
  /** Drop every open tunnel (simulates a network blip). */
  dropAll(): void;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export async function startNeonWsProxy(options: NeonWsProxyOptions): Promise<NeonWsProxy> {
  const host = options.host ?? "127.0.0.1";
  const tunnels = new Set<{ ws: WebSocket; socket: net.Socket }>();
  // connections == requests here (each WebSocket tunnel is one request)
  let connections = 0;

  const shim = await startShimServer({
    // Plain HTTP requests (other than /__shim) are not WebSocket upgrades.
    handler: (_req, res) => sendJson(res, 426, { message: "WebSocket upgrade required" }),
    extraStats: () => ({ connections, open: tunnels.size }),
    onReset: () => {
      connections = 0;
    },
    onClose: async () => {
      for (const t of tunnels) {
        t.socket.destroy();
        t.ws.terminate();
      }
      tunnels.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  });

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  shim.server.on("upgrade", (req, sock, head) => {
    wss.handleUpgrade(req, sock, head, (ws) => wss.emit("connection", ws, req));
  });

  wss.on("connection", (ws: WebSocket) => {
    connections++;
    shim.recordRequest();
    const socket = net.connect({ host, port: options.port });
    socket.setNoDelay(true);
    const tunnel = { ws, socket };
    tunnels.add(tunnel);
    const closeBoth = () => {
      tunnels.delete(tunnel);
      socket.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    };
    // net.Socket buffers writes made before it is connected.
    ws.on("message", (data) => socket.write(toBuffer(data)));
    ws.on("close", closeBoth);
    ws.on("error", closeBoth);
    socket.on("data", (chunk) => {
      if (ws.readyState === ws.OPEN) ws.send(chunk);
    });
    socket.on("close", closeBoth);
    socket.on("error", closeBoth);
  });

  const wsProxy = `127.0.0.1:${shim.port}/`;
  return {
    url: shim.url,
    port: shim.port,
    wsProxy,
    stats: shim.stats,
    resetStats: shim.resetStats,
    close: shim.close,
    openConnections: () => tunnels.size,
    dropAll: () => {
      for (const t of tunnels) {
        t.socket.destroy();
        t.ws.terminate();
      }
      tunnels.clear();
    },
  };
}
