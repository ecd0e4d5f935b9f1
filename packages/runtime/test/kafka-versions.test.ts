// The Kafka releases Weir offers and the rules of moving between them: pure, no JVM.
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "@weir/env";
import { describe, expect, it } from "vitest";
import {
  compareKafkaVersions,
  DEFAULT_KAFKA_VERSION,
  KAFKA_RELEASES,
  KAFKA_VERSIONS,
  kafkaUpgradeProblem,
  kafkaVersionOfMetadataLevel,
  loggingConfig,
  metadataVersionName,
  upgradingTo,
} from "../src/index.ts";

describe("Kafka releases", () => {
  it("offers 3.9.2 (the default) and a 4.x, each pinned in its own folder with its version", () => {
    expect(DEFAULT_KAFKA_VERSION).toBe("3.9.2");
    expect(KAFKA_VERSIONS.some((v) => v.startsWith("4."))).toBe(true);
    for (const v of KAFKA_VERSIONS) {
      const dir = path.join(repoRoot, "infra", "runtimes", KAFKA_RELEASES[v].runtimeDir);
      expect(fs.readFileSync(path.join(dir, "pom.xml"), "utf8")).toContain(`<kafka.version>${v}</kafka.version>`);
      expect(fs.readFileSync(path.join(dir, "checksums.sha256"), "utf8")).toContain(`kafka_2.13-${v}.jar`);
    }
  });

  it("tells a node's release by the newest metadata.version it supports", () => {
    expect(kafkaVersionOfMetadataLevel(21)).toBe("3.9.2");
    expect(kafkaVersionOfMetadataLevel(33)).toBe("4.4.0");
    expect(kafkaVersionOfMetadataLevel(5)).toBeNull();
  });

  it("names metadata.version levels and tells an upgrade in progress until the level is raised", () => {
    expect(metadataVersionName(21)).toBe("3.9-IV0");
    expect(metadataVersionName(33)).toBe("4.4-IV2");
    expect(metadataVersionName(25)).toBe("level 25");
    expect(upgradingTo({ kafkaVersion: "4.4.0", metadataVersion: "3.9-IV0" })).toBe("4.4.0");
    expect(upgradingTo({ kafkaVersion: "4.4.0", metadataVersion: "4.4-IV2" })).toBeNull();
    expect(upgradingTo({ kafkaVersion: "3.9.2", metadataVersion: "3.9-IV0" })).toBeNull();
    // Not read from Kafka yet: no claim either way.
    expect(upgradingTo({ kafkaVersion: "4.4.0", metadataVersion: null })).toBeNull();
  });

  it("compares versions part by part, numerically", () => {
    expect(compareKafkaVersions("3.9.2", "4.4.0")).toBeLessThan(0);
    expect(compareKafkaVersions("4.10.0", "4.4.0")).toBeGreaterThan(0);
    expect(compareKafkaVersions("4.4.0", "4.4.0")).toBe(0);
  });

  it("allows only upgrades to an offered release", () => {
    expect(kafkaUpgradeProblem("3.9.2", "4.4.0")).toBeNull();
    expect(kafkaUpgradeProblem("4.4.0", "3.9.2")).toMatchObject({ code: "conflict" });
    expect(kafkaUpgradeProblem("4.4.0", "3.9.2")?.message).toMatch(/downgrade/);
    expect(kafkaUpgradeProblem("3.9.2", "4.0.0")).toMatchObject({ code: "invalid" });
    expect(kafkaUpgradeProblem("3.9.2", "5")?.message).toMatch(/Weir offers 3\.9\.2, 4\.4\.0/);
  });

  it("logs Kafka 3 through log4j 1 properties and Kafka 4 through log4j2", () => {
    const old = loggingConfig(KAFKA_RELEASES["3.9.2"].logging, "/n");
    expect(old.jvmFlag).toBe("-Dlog4j.configuration=file:/n/log4j.properties");
    expect(old.content).toContain("log4j.rootLogger=INFO, stdout");
    const v4 = loggingConfig(KAFKA_RELEASES["4.4.0"].logging, "/n");
    expect(v4.jvmFlag).toBe("-Dlog4j2.configurationFile=/n/log4j2.properties");
    expect(v4.content).toContain("rootLogger.appenderRef.stdout.ref = STDOUT");
  });
});
