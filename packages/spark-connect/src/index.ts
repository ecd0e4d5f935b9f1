export {
  DEFAULT_MAX_ROWS,
  SparkConnectClient,
  SparkSqlError,
  sparkTypeName,
  type Relation,
  type SparkConnectClientOptions,
  type SqlColumn,
  type SqlOptions,
  type SqlResult,
} from "./client.ts";
export { CONNECT_SERVER_CLASS, connectServerArgs, connectServerEnv, type ConnectServerSpec } from "./server.ts";
export { currentProtos, extractProtos, loadProtos } from "./protos.ts";
