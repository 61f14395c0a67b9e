import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { InputMessage } from "../pipeline/pipeline.js";

/**
 * Reads a log file (or stdin for `-`) as replay input: one message per line,
 * each line one JSON event or a JSON array of events (NDJSON as gateways and
 * log shippers write it). Lines are grouped into batches so replay exercises
 * the same batch path as Kafka; the line number is the message's offset.
 */
export async function* readLineBatches(
  path: string,
  batchSize: number,
): AsyncGenerator<InputMessage[]> {
  const input = path === "-" ? process.stdin : createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });

  let batch: InputMessage[] = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim().length === 0) continue;

    batch.push({ value: line, stream: path, partition: 0, offset: lineNumber });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
