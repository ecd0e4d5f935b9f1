// A short-lived view of one cluster's topics and ACLs, shared by the Topic and Acl reconcilers
// during a resync: checking 5,000 topics for drift costs three Admin calls per cluster per
// window, not two per topic. Anything that looks off in the view is re-read directly before
// Weir acts on it, so a stale view can delay a correction but never cause a wrong one.
import {
  dynamicConfigs,
  describeTopics,
  listAclBindings,
  listTopicNames,
  topicConfigs,
  type AclBinding,
  type KafkaAdmin,
} from "@weir/runtime";

export interface TopicsView {
  partitions: Map<string, number>;
  configs: Map<string, Record<string, string>>;
}

const TTL_MS = 5_000;

class Snapshots<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  constructor(private readonly load: (admin: KafkaAdmin) => Promise<T>) {}

  get(clusterId: string, admin: KafkaAdmin): Promise<T> {
    const hit = this.entries.get(clusterId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = this.load(admin);
    this.entries.set(clusterId, { at: Date.now(), value });
    value.catch(() => this.entries.delete(clusterId));
    return value;
  }

  invalidate(clusterId: string): void {
    this.entries.delete(clusterId);
  }
}

export const topicSnapshots = new Snapshots<TopicsView>(async (admin) => {
  const names = await listTopicNames(admin);
  const [described, configs] = await Promise.all([describeTopics(admin, names, names), topicConfigs(admin, names)]);
  return {
    partitions: new Map([...described].map(([n, t]) => [n, t.partitions.length])),
    configs: new Map([...configs].map(([n, c]) => [n, dynamicConfigs(c)])),
  };
});

export const aclSnapshots = new Snapshots<AclBinding[]>((admin) => listAclBindings(admin));
