// The pure parts of formatting storage once per cluster: each node's meta.properties and the
// template's server.properties (the StorageTool run itself is tested in local-kafka.test.ts).
import { describe, expect, test } from "vitest";
import { newDirectoryId, nodeMetaProperties, templateProperties } from "../src/local/kafka-format.ts";

const META = `#
#Mon Nov 30 04:29:31 UTC 2026
node.id=1
directory.id=gVk1wSG1wTdCZMjOCOUyLA
version=1
cluster.id=Vo8TcGfe9Cqp_IZfG1E65w
`;

describe("storage template", () => {
  test("a node's meta.properties: its id, a directory id of its own, the rest as the tool wrote it", () => {
    expect(nodeMetaProperties(META, 3, "AAAAAAAAAAAAAAAAAAAAAQ")).toBe(`#
#Mon Nov 30 04:29:31 UTC 2026
node.id=3
directory.id=AAAAAAAAAAAAAAAAAAAAAQ
version=1
cluster.id=Vo8TcGfe9Cqp_IZfG1E65w
`);
  });

  test("directory ids look like Kafka's: 22 characters, never a leading '-', never a reserved id", () => {
    const draws = [Buffer.alloc(16), Buffer.from("f8".repeat(16), "hex"), Buffer.from("00".repeat(15) + "ab", "hex")];
    // The first two are refused (a reserved id, then one whose base64url starts with '-').
    expect(newDirectoryId(() => draws.shift()!)).toBe(Buffer.from("00".repeat(15) + "ab", "hex").toString("base64url"));
    const id = newDirectoryId();
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });

  test("the template's server.properties points the log dirs at the template", () => {
    const props = "node.id=1\nlog.dirs=/data/node-1/data\nmetadata.log.dir=/data/node-1/data\nnum.partitions=1\n";
    expect(templateProperties(props, "/t/data")).toBe(
      "node.id=1\nlog.dirs=/t/data\nmetadata.log.dir=/t/data\nnum.partitions=1\n",
    );
  });
});
