/**
 * Deterministic fake users in the shape of randomuser.me's API 1.4: the same (seed, page, index) always
 * gives the same user. Private to the local server.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A user as randomuser.me 1.4 returns it (every field present before `inc`/`exc`). */
export interface RandomUser {
  gender: "male" | "female";
  name: { title: string; first: string; last: string };
  location: {
    street: { number: number; name: string };
    city: string;
    state: string;
    country: string;
    postcode: string;
    coordinates: { latitude: string; longitude: string };
    timezone: { offset: string; description: string };
  };
  email: string;
  login: {
    uuid: string;
    username: string;
    password: string;
    salt: string;
    md5: string;
    sha1: string;
    sha256: string;
  };
  dob: { date: string; age: number };
  registered: { date: string; age: number };
  phone: string;
  cell: string;
  id: { name: string; value: string | null };
  picture: { large: string; medium: string; thumbnail: string };
  nat: string;
}

/** The nationalities randomuser.me 1.4 knows, with a country name and an id document name. */
export const NATIONALITIES: Readonly<Record<string, { country: string; idName: string }>> = {
  AU: { country: "Australia", idName: "TFN" },
  BR: { country: "Brazil", idName: "CPF" },
  CA: { country: "Canada", idName: "SIN" },
  CH: { country: "Switzerland", idName: "AVS" },
  DE: { country: "Germany", idName: "SVNR" },
  DK: { country: "Denmark", idName: "CPR" },
  ES: { country: "Spain", idName: "DNI" },
  FI: { country: "Finland", idName: "HETU" },
  FR: { country: "France", idName: "INSEE" },
  GB: { country: "United Kingdom", idName: "NINO" },
  IE: { country: "Ireland", idName: "PPS" },
  IN: { country: "India", idName: "UIDAI" },
  IR: { country: "Iran", idName: "" },
  MX: { country: "Mexico", idName: "NSS" },
  NL: { country: "Netherlands", idName: "BSN" },
  NO: { country: "Norway", idName: "FN" },
  NZ: { country: "New Zealand", idName: "" },
  RS: { country: "Serbia", idName: "SID" },
  TR: { country: "Turkey", idName: "" },
  UA: { country: "Ukraine", idName: "" },
  US: { country: "United States", idName: "SSN" },
};

/** The top-level fields of a user, the names `inc` and `exc` accept. */
export const USER_FIELDS = [
  "gender",
  "name",
  "location",
  "email",
  "login",
  "registered",
  "dob",
  "phone",
  "cell",
  "id",
  "picture",
  "nat",
] as const;

const MALE = ["James", "Liam", "Noah", "Lucas", "Hugo", "Mateo", "Arjun", "Oskar", "Finn", "Leo", "Emil", "Omar"];
const FEMALE = ["Olivia", "Emma", "Sofia", "Chloe", "Aino", "Ines", "Priya", "Freja", "Mia", "Nora", "Lea", "Zoe"];
const LAST = ["Smith", "Garcia", "Martin", "Muller", "Rossi", "Jensen", "Silva", "Novak", "Kaya", "Singh", "Brown"];
const STREETS = ["Main Street", "Park Lane", "Church Road", "Mill Road", "Station Road", "High Street", "Oak Avenue"];
const CITIES = ["Springfield", "Riverside", "Fairview", "Kingston", "Ashford", "Lakeside", "Greenville", "Bristol"];
const STATES = ["North", "South", "East", "West", "Central", "Coastal", "Highland"];
const ZONES = [
  { offset: "-5:00", description: "Eastern Time (US & Canada), Bogota, Lima" },
  { offset: "+0:00", description: "Western Europe Time, London, Lisbon, Casablanca" },
  { offset: "+1:00", description: "Brussels, Copenhagen, Madrid, Paris" },
  { offset: "+5:30", description: "Bombay, Calcutta, Madras, New Delhi" },
  { offset: "+10:00", description: "Eastern Australia, Guam, Vladivostok" },
];
const WORDS = ["sunshine", "dragon", "pepper", "tigger", "qwerty", "hockey", "maggie", "falcon", "cookie", "matrix"];
const DAY_MS = 86_400_000;
// A fixed "now" keeps ages deterministic (the day randomuser.me's 1.4 data would be read).
const NOW = Date.UTC(2026, 0, 1);

/** A small seeded PRNG (mulberry32 over a 32-bit FNV-1a hash of the key). */
export function seededRandom(key: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options for {@linkcode makeUser}. */
export interface MakeUserOptions {
  /** The origin the picture URLs point at, e.g. `http://127.0.0.1:8080`. */
  origin: string;
  /** Only this gender, if set. */
  gender?: "male" | "female" | undefined;
  /** Nationalities to draw from (codes of {@linkcode NATIONALITIES}); all when empty. */
  nat?: readonly string[] | undefined;
}

/** The user number `index` (0-based) of page `page` for `seed`. */
export function makeUser(seed: string, page: number, index: number, options: MakeUserOptions): RandomUser {
  const rnd = seededRandom(`${seed}\u0000${page}\u0000${index}`);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  const digits = (n: number): string => Array.from({ length: n }, () => String(int(10))).join("");

  const gender = options.gender ?? (rnd() < 0.5 ? "male" : "female");
  const nats = options.nat && options.nat.length > 0 ? options.nat : Object.keys(NATIONALITIES);
  const nat = pick(nats);
  const natInfo = NATIONALITIES[nat] ?? { country: "United States", idName: "SSN" };
  const first = pick(gender === "male" ? MALE : FEMALE);
  const last = pick(LAST);
  const title = gender === "male" ? "Mr" : pick(["Ms", "Mrs", "Miss"]);
  const hex = (n: number): string => Array.from({ length: n }, () => int(16).toString(16)).join("");
  const uuid = `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + int(4)).toString(16)}${hex(3)}-${hex(12)}`;
  const password = pick(WORDS);
  const salt = hex(8);
  const hash = (algorithm: string): string =>
    createHash(algorithm)
      .update(password + salt)
      .digest("hex");
  const dobMs = NOW - (18 + int(60)) * 365.25 * DAY_MS - int(365) * DAY_MS;
  const regMs = NOW - (1 + int(20)) * 365.25 * DAY_MS - int(365) * DAY_MS;
  const years = (ms: number): number => Math.floor((NOW - ms) / (365.25 * DAY_MS));
  const portrait = `${gender === "male" ? "men" : "women"}/${int(100)}.jpg`;
  const zone = pick(ZONES);
  const coordinate = (max: number): string => ((rnd() * 2 - 1) * max).toFixed(4);

  return {
    gender,
    name: { title, first, last },
    location: {
      street: { number: 1 + int(9999), name: pick(STREETS) },
      city: pick(CITIES),
      state: pick(STATES),
      country: natInfo.country,
      postcode: digits(5),
      coordinates: { latitude: coordinate(90), longitude: coordinate(180) },
      timezone: { ...zone },
    },
    email: `${first}.${last}@example.com`.toLowerCase(),
    login: {
      uuid,
      username: `${pick(["happy", "silver", "brave", "quiet", "lazy", "red"])}${pick(["cat", "owl", "fox", "bear"])}${digits(3)}`,
      password,
      salt,
      md5: hash("md5"),
      sha1: hash("sha1"),
      sha256: hash("sha256"),
    },
    dob: { date: new Date(dobMs).toISOString(), age: years(dobMs) },
    registered: { date: new Date(regMs).toISOString(), age: years(regMs) },
    phone: `(${digits(3)}) ${digits(3)}-${digits(4)}`,
    cell: `(${digits(3)}) ${digits(3)}-${digits(4)}`,
    id: { name: natInfo.idName, value: natInfo.idName ? digits(9) : null },
    picture: {
      large: `${options.origin}/api/portraits/${portrait}`,
      medium: `${options.origin}/api/portraits/med/${portrait}`,
      thumbnail: `${options.origin}/api/portraits/thumb/${portrait}`,
    },
    nat,
  };
}

/** Keeps only the `inc` fields (all when empty), then drops the `exc` fields. */
export function selectFields(
  user: RandomUser,
  inc: readonly string[],
  exc: readonly string[],
): Partial<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const field of USER_FIELDS) {
    if (inc.length > 0 && !inc.includes(field)) continue;
    if (exc.includes(field)) continue;
    out[field] = user[field];
  }
  return out;
}
