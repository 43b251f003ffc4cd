/**
 * Command-line parsing: strict (an unknown flag is a usage error), no
 * dependency. Each command declares its flags; values come as `--flag v` or
 * `--flag=v`; repeatable flags collect.
 */

export type FlagKind = "boolean" | "string" | "list";

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly flags: Readonly<Record<string, FlagKind>>;
  /** Short aliases, e.g. { o: "out" }. */
  readonly aliases?: Readonly<Record<string, string>>;
  readonly minPositionals: number;
  readonly maxPositionals: number;
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string | true | readonly string[]>;
}

export class UsageError extends Error {}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true | string[]>();
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (onlyPositionals || !a.startsWith("-") || a === "-") {
      positionals.push(a);
      continue;
    }
    if (a === "--") {
      onlyPositionals = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
    } else {
      const short = a.slice(1);
      const long = spec.aliases?.[short];
      if (!long) throw new UsageError(`unknown option ${a}`);
      name = long;
    }
    const kind = spec.flags[name];
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (kind === "boolean") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (kind === "list") {
      const prev = flags.get(name);
      flags.set(name, [...(Array.isArray(prev) ? prev : []), value]);
    } else {
      if (flags.has(name)) throw new UsageError(`--${name} given twice`);
      flags.set(name, value);
    }
  }
  if (positionals.length < spec.minPositionals) throw new UsageError(`missing argument: ${spec.usage}`);
  if (positionals.length > spec.maxPositionals) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[spec.maxPositionals])}`);
  return { positionals, flags };
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

export function flagList(args: ParsedArgs, name: string): readonly string[] {
  const v = args.flags.get(name);
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}
