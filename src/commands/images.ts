import { resolve } from 'node:path';
import { UsageError, UserError } from '../core/errors.js';
import { buildImages } from '../images/build.js';
import { localImages, missingImages, recipeTag, toLocalImage } from '../images/kit.js';
import { formatMiB, formatRate, transferMeter } from '../images/progress.js';
import { absentImages, howToGetImages, stackImages } from '../images/stack-images.js';
import { imageKitDir } from '../paths.js';
import { connectEngine } from '../docker/engine.js';
import { checkArchive, checkWritable, loadImages, saveImages } from '../runtime/image-archive.js';
import { command, engineOptions, upOptions, type Invocation } from '../cli/command.js';
import { cacheDirOf, composeFileOf, stackContext } from '../context/stack.js';
import { DEFAULT_PORT_BASE, DEFAULT_STACK, PROFILES } from '../core/stack.js';
import { loadStack } from '../stack/compose.js';
import { stackOptionsOf } from '../context/stack.js';

const ACTIONS = ['build', 'list', 'save', 'load'] as const;

/** What save and load read of the invocation: --images (save), --json, and where they write. */
type Transfer = Pick<
  Invocation<{ images?: string; json?: boolean; context?: string }>,
  'values' | 'env' | 'out' | 'err' | 'signal'
>;

export const imagesCommand = command({
  name: 'images',
  usage:
    'kafka-lab images build [--force] | kafka-lab images list [--json]\n' +
    '       kafka-lab images save FILE [--images confluent|local] [--profile P] [--json] | kafka-lab images load FILE [--json]',
  details:
    "build: needs Debian's debootstrap, Maven and the Docker engine, and no container registry; prepares an air-gapped\n" +
    "       classroom host. Skipped when images for the same recipe exist. Use them with 'kafka-lab up --images local'.\n" +
    'list:  shows the image names for this recipe and whether they are present.\n' +
    "save:  writes the images the stacks run into one tar archive, FILE: both profiles' (ZooKeeper, Kafka 3, Kafka 4,\n" +
    '       kcat), or one with --profile. FILE appears only\n' +
    '       when complete; Ctrl-C leaves nothing behind. Copy it to hosts without a registry and load it there.\n' +
    "load:  loads an archive made by 'kafka-lab images save' (or 'docker save') into the Docker engine.\n" +
    'save and load show progress on stderr; --json prints {file, images, bytes, seconds} on stdout.',
  options: {
    ...engineOptions,
    force: { type: 'boolean', description: 'rebuild even when images for this recipe exist (build)' },
    images: { ...upOptions.images, description: `which images to save (save): ${upOptions.images.description}` },
    profile: { ...upOptions.profile, description: "save only this profile's images (save): zookeeper or kraft" },
    json: { type: 'boolean', description: 'print JSON (list, save, load)' },
  },
  maxPositionals: 2,
  async run(inv) {
    const [action, file] = inv.positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw new UsageError(
        `'kafka-lab images' needs an action: ${ACTIONS.join(', ')}${action ? ` (got '${action}')` : ''}.`,
        "Run 'kafka-lab images --help'.",
      );
    }
    if (action === 'save' || action === 'load') {
      if (!file) {
        const example =
          action === 'save'
            ? 'kafka-lab images save kafka-lab-images.tar'
            : 'kafka-lab images load kafka-lab-images.tar';
        throw new UsageError(
          `'kafka-lab images ${action}' needs a FILE to ${action === 'save' ? 'write' : 'read'}.`,
          `For example: ${example}`,
        );
      }
      return action === 'save' ? save(inv, resolve(file)) : load(inv, resolve(file));
    }
    if (file !== undefined)
      throw new UsageError(
        `Unexpected argument '${file}' for 'kafka-lab images ${action}'.`,
        "Run 'kafka-lab images --help'.",
      );
    const rt = await connectEngine({ context: inv.values.context, env: inv.env });
    const tag = await recipeTag(imageKitDir);
    if (action === 'list') {
      const images = localImages(tag);
      const missing = await missingImages(rt, images);
      const rows = Object.entries(images).map(([role, image]) => ({ role, image, present: !missing.includes(image) }));
      if (inv.values.json) inv.out.write(`${JSON.stringify({ tag, images: rows }, null, 2)}\n`);
      else
        inv.out.write(
          rows
            .map((r) => `${r.role.padEnd(10)} ${r.image.padEnd(36)} ${r.present ? 'present' : 'missing'}`)
            .join('\n') + '\n',
        );
      return missing.length ? 1 : 0;
    }
    const started = Date.now();
    const result = await buildImages({
      rt,
      kitDir: imageKitDir,
      tag,
      cacheDir: cacheDirOf({ cacheDir: inv.env.KAFKA_LAB_CACHE }),
      force: inv.values.force === true,
      signal: inv.signal,
      onLine: (line) => inv.out.write(`${line}\n`),
    });
    const names = Object.values(result.images).join(', ');
    inv.out.write(
      result.built
        ? `Built ${names} in ${((Date.now() - started) / 1000).toFixed(0)} s.\n`
        : `Images for this recipe are already present: ${names}.\n`,
    );
    return 0;
  },
});

// The stack files say which images `up` would run for this --images choice: both profiles', or
// --profile's alone.
async function save(inv: Transfer, file: string): Promise<number> {
  await checkWritable(file);
  const opts = stackOptionsOf(inv);
  const ctx = await stackContext({ ...opts, profile: undefined });
  const profiles = opts.profile ? [opts.profile] : PROFILES;
  const local = localImages(ctx.imageTag);
  const specs = await Promise.all(
    profiles.map((profile) =>
      loadStack(composeFileOf({ profile }), {
        stack: DEFAULT_STACK,
        portBase: DEFAULT_PORT_BASE,
        image: ctx.images === 'local' ? (i) => toLocalImage(i, local) : undefined,
      }),
    ),
  );
  const images = [...new Set(specs.flatMap(stackImages))];
  const missing = await absentImages(ctx.rt, images);
  if (missing.length > 0) {
    const which = missing.length === 1 ? `Image ${missing[0]} is` : `Images ${missing.join(', ')} are`;
    throw new UserError(`${which} not on this host, so ${file} was not written.`, howToGetImages(ctx.images, missing));
  }
  const started = Date.now();
  const meter = transferMeter({ out: inv.err, label: `Saving ${images.length} images to ${file}` });
  try {
    const { bytes } = await saveImages({ rt: ctx.rt, images, file, signal: inv.signal, onBytes: (n) => meter.add(n) });
    meter.done();
    return report(inv, 'Saved', 'to', { file, images, bytes, ms: Date.now() - started });
  } finally {
    meter.done();
  }
}

async function load(inv: Transfer, file: string): Promise<number> {
  const total = await checkArchive(file);
  const rt = await connectEngine({ context: inv.values.context, env: inv.env });
  const started = Date.now();
  const meter = transferMeter({ out: inv.err, label: `Loading ${file}`, total });
  try {
    const { images } = await loadImages({ rt, file, signal: inv.signal, onBytes: (n) => meter.add(n) });
    meter.done();
    return report(inv, 'Loaded', 'from', { file, images, bytes: total, ms: Date.now() - started });
  } finally {
    meter.done();
  }
}

function report(
  inv: Pick<Transfer, 'values' | 'out'>,
  verb: string,
  preposition: string,
  r: { file: string; images: string[]; bytes: number; ms: number },
): number {
  if (inv.values.json) {
    inv.out.write(
      `${JSON.stringify({ file: r.file, images: r.images, bytes: r.bytes, seconds: Number((r.ms / 1000).toFixed(1)) }, null, 2)}\n`,
    );
  } else {
    const what = r.images.length ? r.images.join(', ') : 'no images (the archive lists none)';
    inv.out.write(
      `${verb} ${what} ${preposition} ${r.file}: ${formatMiB(r.bytes)} in ${(r.ms / 1000).toFixed(1)} s (${formatRate(r.bytes, r.ms)}).\n`,
    );
  }
  return 0;
}
