import { describe, expect, it } from "vitest";
import { defineTask, isTask, task, taskExportName, taskModuleUrl } from "./mod.ts";

function square(x: number): number {
  return x * x;
}

describe("task()", () => {
  it("accepts file: URLs, URL objects and absolute paths", () => {
    expect(task("file:///srv/app/tasks.js", "run")).toEqual({ url: "file:///srv/app/tasks.js", name: "run" });
    expect(task(new URL("file:///srv/app/tasks.js?x#y"), "run").url).toBe("file:///srv/app/tasks.js");
    expect(task("/srv/app/tasks.js", "run").url).toBe("file:///srv/app/tasks.js");
  });

  it.each([
    ["data:text/javascript,export const run = () => 1", /"data:" scheme is not allowed/],
    ["http://example.com/tasks.js", /"http:" scheme is not allowed/],
    ["node:child_process", /"node:" scheme is not allowed/],
    ["lodash", /got "lodash"/],
    ["./tasks.js", /got "\.\/tasks\.js"/],
    ["", /got ""/],
  ])("rejects the module specifier %s", (specifier, message) => {
    expect(() => task(specifier, "run")).toThrow(TypeError);
    expect(() => task(specifier, "run")).toThrow(message);
  });

  it("rejects a module specifier that is not a string", () => {
    expect(() => taskModuleUrl(42 as unknown as string)).toThrow(/got number 42/);
  });

  it.each(["constructor", "__proto__", "prototype", "then", "", "a-b", "1x"])("rejects the export name %j", (name) => {
    expect(() => task("/srv/tasks.js", name)).toThrow(TypeError);
  });

  it("accepts ordinary export names, including default", () => {
    expect(taskExportName("download")).toBe("download");
    expect(taskExportName("default")).toBe("default");
    expect(taskExportName("$run_2")).toBe("$run_2");
  });

  it("is frozen", () => {
    const t = task("/srv/tasks.js", "run");
    expect(Object.isFrozen(t)).toBe(true);
  });
});

describe("defineTask()", () => {
  it("takes the export name from the function and keeps its signature", () => {
    const t = defineTask(import.meta.url, square);
    expect(t.name).toBe("square");
    expect(t.url).toBe(import.meta.url);
    // @ts-expect-error the signature is checked: square takes a number
    const _wrong: typeof t extends { __signature?: (x: string) => number } ? true : never = true;
    expect(isTask(t)).toBe(true);
  });

  it("rejects a non-function", () => {
    expect(() => defineTask(import.meta.url, 42 as unknown as () => void)).toThrow(/needs a function, got number 42/);
    expect(() => defineTask(import.meta.url, null as unknown as () => void)).toThrow(/needs a function, got null/);
  });
});
