/**
 * Generated portraits for the local server: real JPEG bytes (jpeg-js), a deterministic colour and
 * pattern per (gender, number), cached after the first request. Private to the server.
 *
 * @module
 */
import jpeg from "jpeg-js";

/** The three sizes randomuser.me serves, in pixels (square). */
export const PORTRAIT_SIZES = { large: 128, medium: 72, thumbnail: 48 } as const;

/** A portrait size name. */
export type PortraitSize = keyof typeof PORTRAIT_SIZES;

const cache = new Map<string, Uint8Array>();

function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

/**
 * The JPEG bytes of portrait `number` (0–99) of `gender` at `size`: a coloured background whose hue
 * comes from the number, stripes whose count and angle come from it too, and a round "face".
 */
export function portraitJpeg(gender: "men" | "women", number: number, size: PortraitSize): Uint8Array {
  const key = `${gender}/${number}/${size}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const side = PORTRAIT_SIZES[size];
  const hue = (number * 137 + (gender === "women" ? 60 : 0)) % 360;
  const background = hsl(hue, 0.55, 0.55);
  const stripe = hsl((hue + 180) % 360, 0.45, 0.4);
  const face = hsl(30, 0.5, 0.75 - (number % 5) * 0.08);
  const stripes = 2 + (number % 6);
  const slope = ((number % 3) - 1) * 0.5;
  const data = Buffer.alloc(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const u = x / side;
      const v = y / side;
      const dx = u - 0.5;
      const dy = v - 0.45;
      let rgb = Math.floor((u + slope * v) * stripes * 2) % 2 === 0 ? background : stripe;
      if (dx * dx + dy * dy < 0.07) rgb = face;
      else if (v > 0.8 && Math.abs(dx) < 0.35) rgb = stripe;
      const i = (y * side + x) * 4;
      data[i] = rgb[0];
      data[i + 1] = rgb[1];
      data[i + 2] = rgb[2];
      data[i + 3] = 255;
    }
  }
  const bytes = new Uint8Array(jpeg.encode({ data, width: side, height: side }, 85).data);
  cache.set(key, bytes);
  return bytes;
}
