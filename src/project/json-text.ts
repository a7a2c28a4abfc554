/**
 * A string together with its JSON literal, each made from the other on first use. Cached
 * templates and compiled SQL are mostly copied as they are into the next cache file and into
 * manifest.json, both JSON: kept as literals, an unchanged project's 10,000 texts are neither
 * decoded nor escaped again.
 */
export class JsonText {
  private constructor(
    private decoded: string | undefined,
    private literal: string | undefined,
  ) {}

  static of(text: string): JsonText {
    return new JsonText(text, undefined);
  }

  /** `json` must be one JSON string literal. */
  static fromJson(json: string): JsonText {
    return new JsonText(undefined, json);
  }

  get text(): string {
    return (this.decoded ??= jsonStringValue(this.literal!));
  }

  get json(): string {
    return (this.literal ??= JSON.stringify(this.decoded!));
  }
}

/** The string a JSON string literal stands for; a literal without a backslash is its text between the quotes, no need for JSON.parse. */
export function jsonStringValue(literal: string): string {
  return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}
