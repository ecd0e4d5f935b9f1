// Kafka users' names and passwords, without zod so the console can say them in its hints
// (`@weir/domain/rules`); the schemas in users.ts are built from them.

/** The SCRAM user Weir itself connects as; nobody else may take the name. */
export const ADMIN_KAFKA_USER = "weir-admin";

export const KAFKA_USER_NAME_MAX = 64;
export const KAFKA_USER_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

export const KAFKA_PASSWORD_MIN = 12;
export const KAFKA_PASSWORD_MAX = 200;
