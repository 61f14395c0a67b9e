import type { Kafka } from "kafkajs";

/** The offsets `groupId` committed on `topic`, summed over partitions (-1 counts as 0). */
export async function committedTotal(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? []).reduce(
      (sum, { offset }) => sum + Math.max(0, Number(offset)),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}
