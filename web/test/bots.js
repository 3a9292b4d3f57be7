// Tiny WebSocket clients for the page's tests: avatars that join (with a
// look, and a role on a -test-roles server), stand or walk, and leave. They
// speak the protocol through the page's own codec (src/protocol.js). Needs
// Node's WebSocket (node --experimental-websocket on Node 20).

import { SUBPROTOCOL, encodeHello, encodeGoto, decodeServer } from "../src/protocol.js";

/**
 * Joins the server at httpURL as pseudonym. opts: {colour, shape}. Resolves
 * with {selfId, pseudonym, goto(x, y), close()} once welcomed.
 */
export function bot(httpURL, pseudonym, { colour = 0, shape = 0, timeoutMs = 15_000 } = {}) {
  const url = httpURL.replace(/^http/, "ws") + "/ws";
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, SUBPROTOCOL);
    ws.binaryType = "arraybuffer";
    let seq = 0;
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`bot ${pseudonym}: no WELCOME`));
    }, timeoutMs);
    ws.onopen = () => ws.send(encodeHello(pseudonym, "", colour, shape));
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = decodeServer(ev.data);
      } catch {
        return;
      }
      if (msg.type !== "welcome") return;
      clearTimeout(timer);
      resolve({
        selfId: msg.selfId,
        pseudonym: msg.pseudonym,
        goto: (x, y) => ws.readyState === 1 && ws.send(encodeGoto(++seq, x, y)),
        close: () => ws.close(1000, "bye"),
      });
    };
    ws.onclose = (ev) => {
      clearTimeout(timer);
      reject(new Error(`bot ${pseudonym}: closed ${ev.code} ${ev.reason}`));
    };
  });
}

// Consonants that no pseudonym key folds together (see loadtest/names.go).
const DIGITS = "bcdghjkmnpqrstvwxz";

/** n bots named prefix + two consonants (the server limits digits and folds look-alikes). */
export async function bots(httpURL, prefix, n, opts = {}) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const letters = DIGITS[Math.floor(i / DIGITS.length) % DIGITS.length] + DIGITS[i % DIGITS.length];
    out.push(await bot(httpURL, `${prefix}${letters}`, { colour: i % 8, shape: i % 4, ...opts }));
  }
  return out;
}
