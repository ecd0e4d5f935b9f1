"use client";

// The first two fields of every create form of a cluster kind: its name, and the project it
// goes in (only shown when the organisation has more than one; the default otherwise).
import { RESOURCE_NAME_MAX } from "@weir/domain/rules";
import { SelectField, TextField } from "@weir/ui";
import { useProjects } from "@/components/console/use-org";

export function NameAndProjectFields({
  name,
  onNameChange,
  placeholder,
  projectId,
  onProjectChange,
  errors,
}: {
  name: string;
  onNameChange: (name: string) => void;
  placeholder: string;
  /** "" for the default project. */
  projectId: string;
  onProjectChange: (projectId: string) => void;
  errors: Record<string, string>;
}) {
  const projects = useProjects().data?.items ?? [];
  return (
    <>
      <TextField
        label="Name"
        name="name"
        required
        autoFocus
        maxLength={RESOURCE_NAME_MAX}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={name}
        onChange={(e) => onNameChange(e.target.value)}
        error={errors.name}
        hint="Lowercase letters, digits and hyphens; unique in its project."
      />
      {projects.length > 1 && (
        <SelectField
          label="Project"
          name="projectId"
          value={projectId}
          onChange={(e) => onProjectChange(e.target.value)}
          options={projects.map((p) => ({
            value: p.isDefault ? "" : p.id,
            label: p.isDefault ? `${p.name} (default)` : p.name,
          }))}
          error={errors.projectId}
        />
      )}
    </>
  );
}
