// Output schemas: what the API promises to return (and what openapi.json documents).
import { z } from "zod";

export const role = z.enum(["OWNER", "ADMIN", "DEVELOPER", "VIEWER"]);
export const status = z.enum(["PROVISIONING", "READY", "RUNNING", "UPDATING", "DEGRADED", "DELETING", "FAILED"]);

export const user = z.object({ id: z.string(), email: z.string(), name: z.string(), createdAt: z.date() });

export const organization = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  status,
  statusReason: z.string(),
  generation: z.number(),
  observedGeneration: z.number(),
  createdAt: z.date(),
  role,
});

export const resourceEvent = z.object({
  id: z.string(),
  type: z.enum(["NORMAL", "WARNING"]),
  reason: z.string(),
  message: z.string(),
  createdAt: z.date(),
});

export const organizationDetail = organization.extend({
  conditions: z.array(z.unknown()),
  events: z.array(resourceEvent),
});

export const project = z.object({
  id: z.string(),
  name: z.string(),
  isDefault: z.boolean(),
  maxKafkaClusters: z.number(),
  maxBrokersPerCluster: z.number(),
  maxStorageGbPerBroker: z.number(),
  maxComputeClusters: z.number(),
  maxWorkersPerCluster: z.number(),
  createdAt: z.date(),
});

export const member = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  joinedAt: z.date(),
});

export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

export const auditEvent = z.object({
  id: z.string(),
  actorType: z.enum(["USER", "API_KEY", "SYSTEM"]),
  actorId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  resourceName: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.date(),
});
