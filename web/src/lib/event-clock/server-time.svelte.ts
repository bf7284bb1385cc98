/**
 * The server's clock as seen from this tab (Cristian's method): ask the server
 * its time a few times over the socket, keep the answer with the shortest round
 * trip, and assume the server read its clock halfway through it. Resampled on
 * every (re)connect. Until the first answer, the time the page was rendered
 * with stands in. On the server (SSR) the server's own clock is the answer.
 */
import { connection } from '$lib/realtime/connection.svelte.js';

/** Pings per (re)connect; the fastest of them is kept. */
const SAMPLES = 5;

class ServerTime {
  /** Server clock minus this tab's Date.now(), ms. */
  offsetMs = $state(0);
  /** Round trip of the sample the offset comes from, ms; Infinity until one came. */
  roundTripMs = $state(Infinity);
  #following = false;

  /** The server's time now, ms since the epoch. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** A first guess from the server time a page was rendered with, unless a ping already did better. */
  seed(serverTime: number): void {
    if (this.roundTripMs === Infinity) this.offsetMs = serverTime - Date.now();
  }

  /** Browser only: samples now and after every reconnect. */
  follow(): void {
    if (this.#following) return;
    this.#following = true;
    // A new connection may take another route: its round trips start afresh.
    connection.onConnect(() => void this.#sample());
  }

  async #sample(): Promise<void> {
    let best = Infinity;
    for (let i = 0; i < SAMPLES; i++) {
      const sentWall = Date.now();
      // performance.now() for the round trip: Date.now() can jump between send and answer.
      const sent = performance.now();
      const res = await connection.request('clock:ping');
      const roundTrip = performance.now() - sent;
      if (!res.ok) return;
      if (roundTrip < best) {
        best = roundTrip;
        this.roundTripMs = roundTrip;
        this.offsetMs = res.data.serverTime - (sentWall + roundTrip / 2);
      }
    }
  }
}

export const serverTime = new ServerTime();
