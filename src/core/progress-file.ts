// Reading a progress file back: its shape checked with zod. Apart from progress.ts so that the
// screen, which only reads progress, starts without zod.
import { z } from 'zod';
import type { LabProgress } from './progress.js';

/**
 * The progress file's shape. Open (unknown keys dropped) for the file on disk, which older versions
 * may have written with more; closed inside a submission, whose every key is covered by its digest.
 */
function progressSchemaOf(closed: boolean) {
  const obj = <T extends z.ZodRawShape>(shape: T) => (closed ? z.strictObject(shape) : z.object(shape));
  const recordSchema = obj({
    status: z.enum(['passed', 'failed']),
    atMs: z.number(),
    tookMs: z.number(),
    lines: z.array(obj({ pass: z.boolean(), text: z.string() })),
    unknown: z.array(z.string()),
    passedAtMs: z.number().optional(),
  });
  return obj({
    version: z.literal(1),
    lab: z.string(),
    stack: z.string(),
    current: z.number().int().min(0),
    steps: z.record(z.string(), recordSchema),
    answers: z.record(z.string(), z.number().int().min(0)),
    updatedAtMs: z.number(),
    baseline: obj({
      atMs: z.number(),
      ends: z.record(z.string(), z.record(z.string(), z.number())),
      members: z.record(z.string(), z.array(z.string())),
      quorumEpoch: z.number().int().optional(),
    }).optional(),
    reads: z
      .array(
        obj({
          stepId: z.string(),
          atMs: z.number(),
          topic: z.string(),
          messages: z.array(
            obj({
              partition: z.number().int(),
              offset: z.number().int(),
              value: z.string(),
              ts: z.number().optional(),
            }),
          ),
        }),
      )
      .optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  });
}

const progressSchema = progressSchemaOf(false);
export const closedProgressSchema = progressSchemaOf(true);

/** The parsed progress, or what is wrong with the text. */
export function parseProgress(text: string, labId: string, stack: string): LabProgress | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  const parsed = progressSchema.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `${issue.path.join('.') || 'the file'}: ${issue.message}`;
  }
  if (parsed.data.lab !== labId) return `it belongs to lab '${parsed.data.lab}'`;
  if (parsed.data.stack !== stack) return `it belongs to stack '${parsed.data.stack}'`;
  return parsed.data as LabProgress;
}
