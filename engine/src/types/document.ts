/** A document as users send it: any JSON object. */
export type Document = Record<string, unknown>;

/** External document ids are kept as strings internally; integer ids are stringified. */
export type DocumentId = string;
