// The part of Swagger UI's self-contained bundle (swagger-ui-dist ships no types) this page uses.
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  interface SwaggerRequest {
    url: string;
    credentials?: RequestCredentials;
    headers: Record<string, string>;
  }
  interface SwaggerUIOptions {
    domNode: HTMLElement;
    url: string;
    deepLinking?: boolean;
    docExpansion?: "list" | "full" | "none";
    defaultModelsExpandDepth?: number;
    displayRequestDuration?: boolean;
    filter?: boolean;
    persistAuthorization?: boolean;
    validatorUrl?: string | null;
    requestInterceptor?: (req: SwaggerRequest) => SwaggerRequest;
  }
  interface SwaggerUI {
    (options: SwaggerUIOptions): unknown;
  }
  const SwaggerUIBundle: SwaggerUI;
  export default SwaggerUIBundle;
}
