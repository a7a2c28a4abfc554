/** The resolved, serialisable description of every node in a project: what the manifest holds. */

export type ResourceType = 'model' | 'seed' | 'test' | 'source';
export type Materialization = 'view' | 'table' | 'incremental' | 'ephemeral';

export interface NodeConfig {
  materialized?: Materialization | 'seed' | 'test';
  schema?: string;
  alias?: string;
  tags: string[];
  enabled: boolean;
  unique_key?: string | string[];
  on_schema_change?: 'ignore' | 'append_new_columns' | 'sync_all_columns' | 'fail';
  incremental_strategy?: 'delete+insert' | 'append';
  full_refresh?: boolean;
  column_types?: Record<string, string>;
  [key: string]: unknown;
}

export interface RefCall {
  name: string;
  line: number;
  col: number;
}

export interface SourceCall {
  source: string;
  table: string;
  line: number;
  col: number;
}

export interface GraphNode {
  uniqueId: string;
  resourceType: ResourceType;
  name: string;
  packageName: string;
  /** Path relative to the project directory, with forward slashes. */
  path: string;
  /** Folder path below the resource root plus the name, e.g. ['pdf', 'staging', 'stg_events']. */
  fqn: string[];
  tags: string[];
  config: NodeConfig;
  description?: string;
  /** Relation this node builds or reads: schema + identifier. Ephemeral models have none in the warehouse. */
  schema: string;
  identifier: string;
  dependsOn: string[];
  /** Source-only: the source's name and table name. */
  sourceName?: string;
  tableName?: string;
  /** Test-only. */
  testType?: 'generic' | 'singular';
  /** Tests attach to the nodes they test. */
  attachedTo?: string[];
}
