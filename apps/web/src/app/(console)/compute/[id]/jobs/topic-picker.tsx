"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Spinner, TextField, cn } from "@weir/ui";
import { useEffect, useState } from "react";
import { useTRPC } from "@/lib/trpc";

const PAGE_SIZE = 20;

/** A Kafka cluster's topics, searched server-side (a cluster may have thousands). */
function useTopicChoices(clusterId: string, search: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.topics.list.queryOptions({
      clusterId,
      search: search || undefined,
      filter: "all",
      page: 1,
      pageSize: PAGE_SIZE,
    }),
    enabled: clusterId !== "",
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/**
 * Picks topics of a Kafka cluster: a search box over the cluster's topics, the matches as
 * buttons, the chosen ones as removable chips. `single` keeps at most one.
 */
export function TopicPicker({
  label,
  clusterId,
  value,
  onChange,
  error,
  hint,
  single = false,
  testId,
}: {
  label: string;
  clusterId: string;
  value: string[];
  onChange: (topics: string[]) => void;
  error?: string | undefined;
  hint?: string;
  single?: boolean;
  testId: string;
}) {
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  useEffect(() => {
    const t = setTimeout(() => setDebounced(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);
  const topics = useTopicChoices(clusterId, debounced);
  const items = (topics.data?.items ?? []).filter((t) => !t.name.startsWith("__"));
  const more = (topics.data?.total ?? 0) > PAGE_SIZE;

  const toggle = (name: string) =>
    onChange(value.includes(name) ? value.filter((v) => v !== name) : single ? [name] : [...value, name]);

  return (
    <fieldset className="flex flex-col gap-2" data-testid={testId}>
      <legend className="mb-1 text-sm font-medium text-slate-700">{label}</legend>
      {value.length > 0 && (
        <ul className="flex flex-wrap gap-1.5" aria-label={`Chosen: ${label}`}>
          {value.map((v) => (
            <li key={v}>
              <button
                type="button"
                onClick={() => toggle(v)}
                className="inline-flex items-center gap-1 rounded-full bg-brand-50 px-2.5 py-0.5 font-mono text-xs text-brand-800 ring-1 ring-brand-200 ring-inset hover:bg-brand-100"
                aria-label={`Remove ${v}`}
                data-testid="picked-topic"
              >
                {v} <span aria-hidden>×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {clusterId === "" ? (
        <p className="text-sm text-slate-500">Choose a Kafka cluster first.</p>
      ) : (
        <>
          <TextField
            label={`Search ${label.toLowerCase()}`}
            hideLabel
            placeholder="Search topics by name"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              // Enter picks the only match rather than submitting the form.
              if (e.key !== "Enter") return;
              e.preventDefault();
              const exact = items.find((t) => t.name === search.trim()) ?? (items.length === 1 ? items[0] : undefined);
              if (exact && !value.includes(exact.name)) toggle(exact.name);
            }}
            data-testid={`${testId}-search`}
          />
          {topics.isPending ? (
            <Spinner label="Loading topics" className="text-slate-400" />
          ) : topics.isError ? (
            <p className="text-sm text-amber-800">The cluster&rsquo;s topics could not be listed.</p>
          ) : items.length === 0 ? (
            <p className="text-sm text-slate-500">
              {debounced ? `No topic matches “${debounced}”.` : "This cluster has no topics yet."}
            </p>
          ) : (
            <div className="flex flex-wrap gap-1.5" role="group" aria-label={`${label}: matches`}>
              {items.map((t) => {
                const on = value.includes(t.name);
                return (
                  <Button
                    key={t.name}
                    type="button"
                    size="sm"
                    variant="secondary"
                    aria-pressed={on}
                    onClick={() => toggle(t.name)}
                    className={cn("font-mono text-xs", on && "border-brand-400 bg-brand-50 text-brand-800")}
                    data-testid="topic-choice"
                    data-name={t.name}
                  >
                    {t.name}
                  </Button>
                );
              })}
              {more && <span className="self-center text-xs text-slate-500">Search to see more topics.</span>}
            </div>
          )}
        </>
      )}
      {error ? (
        <p className="text-xs text-red-600" data-testid="field-error">
          {error}
        </p>
      ) : hint ? (
        <p className="text-xs text-slate-500">{hint}</p>
      ) : null}
    </fieldset>
  );
}
