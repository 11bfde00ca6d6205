// Types of tasks.mjs.
export declare function add(a: number, b: number): number;
export declare function echo<T>(value: T): T;
export declare class CustomError extends Error {
  code: number;
}
export declare function fail(message: string): never;
export declare function whoami(): { id: string; attempt: number; name: string; pid: number };
export declare function waitForCancel(dir: string, tag: string): Promise<never>;
export declare function spin(dir: string, tag: string): never;
export declare function stickOnFirst(dir: string): Promise<{ attempt: number; pid: number }>;
export declare function failOn(x: number, bad: number): number;
export declare function flaky(): number;
