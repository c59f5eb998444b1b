/**
 * Moving a fitted {@link LinliRecommender} between threads: `snapshotRecommender` turns it into
 * plain data (arrays, maps and typed arrays, all structured-cloneable) and lists the buffers that
 * can be transferred without copying; `restoreRecommender` builds an identical recommender from it.
 * A service fits in a worker thread and serves from the main thread this way.
 */
import { LinliRecommender, type RecommenderConfig } from './recommender.js';

interface Csr {
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

type ItemModel = { kind: 'cosine'; sim: Csr } | { kind: 'ease'; B: Float32Array } | { kind: 'none' };

/** Everything a fitted recommender holds, as plain data. */
export interface RecommenderSnapshot {
  config: RecommenderConfig;
  items: string[];
  users: string[];
  userVec: Csr;
  userCount: Int32Array;
  userGapDays: Float32Array;
  neighbours: Int32Array;
  kNeighbours: number;
  itemModel: ItemModel;
  userGroup: Int32Array;
  groups: string[];
  groupPop: { items: Int32Array; scores: Float32Array }[];
  globalPop: { items: Int32Array; scores: Float32Array };
  labels: Map<string, string>;
}

/** The fields a {@link LinliRecommender} keeps (private to its class, read here by name). */
interface RecommenderFields {
  config: RecommenderConfig;
  items: readonly string[];
  users: readonly string[];
  userVec: Csr;
  userCount: Int32Array;
  userGapDays: Float32Array;
  neighbours: Int32Array;
  kNeighbours: number;
  itemModel: ItemModel;
  userGroup: Int32Array;
  groups: readonly string[];
  groupPop: ReadonlyArray<{ items: Int32Array; scores: Float32Array }>;
  globalPop: { items: Int32Array; scores: Float32Array };
  labels: ReadonlyMap<string, string>;
}

export function snapshotRecommender(recommender: LinliRecommender): { snapshot: RecommenderSnapshot; transfer: ArrayBuffer[] } {
  const f = recommender as unknown as RecommenderFields;
  const snapshot: RecommenderSnapshot = {
    config: f.config,
    items: [...f.items],
    users: [...f.users],
    userVec: f.userVec,
    userCount: f.userCount,
    userGapDays: f.userGapDays,
    neighbours: f.neighbours,
    kNeighbours: f.kNeighbours,
    itemModel: f.itemModel,
    userGroup: f.userGroup,
    groups: [...f.groups],
    groupPop: [...f.groupPop],
    globalPop: f.globalPop,
    labels: new Map(f.labels),
  };
  const arrays: ArrayBufferView[] = [
    snapshot.userVec.ptr,
    snapshot.userVec.idx,
    snapshot.userVec.val,
    snapshot.userCount,
    snapshot.userGapDays,
    snapshot.neighbours,
    snapshot.userGroup,
    snapshot.globalPop.items,
    snapshot.globalPop.scores,
    ...snapshot.groupPop.flatMap((g) => [g.items, g.scores]),
  ];
  if (snapshot.itemModel.kind === 'cosine') arrays.push(snapshot.itemModel.sim.ptr, snapshot.itemModel.sim.idx, snapshot.itemModel.sim.val);
  if (snapshot.itemModel.kind === 'ease') arrays.push(snapshot.itemModel.B);
  // Only whole, distinct buffers can be transferred; views over shared or partial buffers are copied.
  const transfer = [...new Set(arrays.filter((a) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength).map((a) => a.buffer))].filter(
    // (not SharedArrayBuffer; checked by tag so that buffers from another realm qualify too)
    (b): b is ArrayBuffer => Object.prototype.toString.call(b) === '[object ArrayBuffer]',
  );
  return { snapshot, transfer };
}

export function restoreRecommender(s: RecommenderSnapshot): LinliRecommender {
  return new LinliRecommender(
    s.config,
    s.items,
    s.users,
    s.userVec,
    s.userCount,
    s.userGapDays,
    s.neighbours,
    s.kNeighbours,
    s.itemModel,
    s.userGroup,
    s.groups,
    s.groupPop,
    s.globalPop,
    s.labels,
  );
}
