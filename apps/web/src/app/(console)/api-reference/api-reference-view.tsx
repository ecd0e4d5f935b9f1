"use client";
import { PageHeader, Spinner } from "@weir/ui";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import "swagger-ui-dist/swagger-ui.css";

const OPENAPI_URL = "/api/v1/openapi.json";

/**
 * Swagger UI from its self-contained bundle (it carries its own React), loaded as a separate
 * chunk when this page opens and mounted into a node this component leaves to it.
 */
function SwaggerReference() {
  const node = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let unmounted = false;
    void import("swagger-ui-dist/swagger-ui-es-bundle.js").then(({ default: SwaggerUIBundle }) => {
      if (unmounted || !node.current) return;
      SwaggerUIBundle({
        domNode: node.current,
        url: OPENAPI_URL,
        deepLinking: true,
        docExpansion: "list",
        defaultModelsExpandDepth: 0,
        displayRequestDuration: true,
        filter: true,
        // Never ask a validator on the internet about the document.
        validatorUrl: null,
        // Same origin: the browser sends the session and organisation cookies with "Try it out".
        requestInterceptor: (req) => ({ ...req, credentials: "same-origin" }),
      });
      setLoaded(true);
    });
    return () => {
      unmounted = true;
    };
  }, []);
  return (
    <>
      {!loaded && (
        <p className="flex items-center gap-2 px-5 py-10 text-sm text-slate-500">
          <Spinner className="size-4" /> Loading the API reference…
        </p>
      )}
      <div ref={node} />
    </>
  );
}

export function ApiReferenceView() {
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="API reference"
        description={
          <>
            The REST API at <code className="font-mono text-xs">/api/v1</code>, rendered from{" "}
            <a href={OPENAPI_URL} className="font-medium text-brand-700 hover:underline">
              openapi.json
            </a>
            . &ldquo;Try it out&rdquo; sends real requests as you, in the organisation you have chosen; to act as an API
            key instead, create one under{" "}
            <Link href="/api-keys" className="font-medium text-brand-700 hover:underline">
              API keys
            </Link>{" "}
            and enter it under &ldquo;Authorize&rdquo;.
          </>
        }
      />
      <div className="rounded-lg border border-slate-200 bg-white shadow-xs" data-testid="api-reference">
        <SwaggerReference />
      </div>
    </div>
  );
}
