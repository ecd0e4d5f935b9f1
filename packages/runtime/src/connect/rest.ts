// Kafka Connect's REST API on 127.0.0.1, as a small client. Errors are ConnectError with
// Connect's own sentence and HTTP status, for the API to translate.

export class ConnectError extends Error {
  override name = "ConnectError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ConnectorStatus {
  state: string;
  trace?: string;
  tasks: { id: number; state: string; workerId: string; trace?: string }[];
}

export interface ConnectValidation {
  errorCount: number;
  errors: { field: string; messages: string[] }[];
}

const notYet = (): never => {
  throw new Error("not built yet");
};

export class ConnectRestClient {
  constructor(readonly baseUrl: string) {}
  ready(): Promise<boolean> {
    return notYet();
  }
  plugins(): Promise<{ class: string; type: string; version: string }[]> {
    return notYet();
  }
  validate(pluginClass: string, config: Record<string, string>): Promise<ConnectValidation> {
    void pluginClass;
    void config;
    return notYet();
  }
  put(name: string, config: Record<string, string>): Promise<void> {
    void name;
    void config;
    return notYet();
  }
  get(name: string): Promise<Record<string, string> | null> {
    void name;
    return notYet();
  }
  status(name: string): Promise<ConnectorStatus | null> {
    void name;
    return notYet();
  }
  list(): Promise<string[]> {
    return notYet();
  }
  pause(name: string): Promise<void> {
    void name;
    return notYet();
  }
  resume(name: string): Promise<void> {
    void name;
    return notYet();
  }
  restart(name: string, opts?: { includeTasks?: boolean; onlyFailed?: boolean }): Promise<void> {
    void name;
    void opts;
    return notYet();
  }
  delete(name: string): Promise<void> {
    void name;
    return notYet();
  }
}
