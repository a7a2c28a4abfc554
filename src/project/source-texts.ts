import type { JsonText } from './json-text.js';

/** The text of each project file read, or taken from the build cache, by path relative to the project. */
export class SourceTexts {
  private readonly texts = new Map<string, JsonText>();

  get(path: string): string | undefined {
    return this.texts.get(path)?.text;
  }

  /** The text with its JSON literal, which the manifest copies without decoding a cached text. */
  jsonText(path: string): JsonText | undefined {
    return this.texts.get(path);
  }

  set(path: string, text: JsonText): this {
    this.texts.set(path, text);
    return this;
  }
}
