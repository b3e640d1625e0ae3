/** Every route declares the API-key action it needs and where its index uid comes from. */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required action (Meilisearch's action names); `null` = public (/health). */
    action?: string | null;
    /** Where the index uid(s) checked against the key's `indexes` come from. */
    index?: 'param' | 'none' | 'any';
    /** Tenant tokens are accepted (search routes only). */
    tenantToken?: boolean;
    /** Served while a dump is being imported (only /health). */
    duringImport?: boolean;
    /** Served in --agent mode. */
    agent?: boolean;
  }
}

export {};
