import { UsageError } from '../core/errors.js';
import { buildImages, localImages, missingImages, recipeTag } from '../images/kit.js';
import { imageKitDir } from '../paths.js';
import { connectDocker } from '../runtime/docker.js';
import { type Command } from './command.js';
import { cacheDirOf } from './context.js';

export const imagesCommand: Command = {
  name: 'images',
  summary: "Build kafka-lab's offline images (drop-in replacements for Confluent's cp-zookeeper, cp-kafka and for kcat).",
  usage: 'kafka-lab images build [--force] | kafka-lab images list [--json]',
  details:
    "build: needs Debian's debootstrap, Maven and the Docker engine, and no container registry; prepares an air-gapped\nclassroom host. Skipped when images for the same recipe exist. Use them with 'kafka-lab up --images local'.\nlist:  shows the image names for this recipe and whether they are present.",
  options: {
    force: { type: 'boolean', description: 'rebuild even when images for this recipe exist' },
    json: { type: 'boolean', description: 'print JSON (list)' },
  },
  maxPositionals: 1,
  async run(inv) {
    const action = inv.positionals[0];
    if (action !== 'build' && action !== 'list') {
      throw new UsageError(`'kafka-lab images' needs an action: build or list${action ? ` (got '${action}')` : ''}.`, "Run 'kafka-lab images --help'.");
    }
    const docker = await connectDocker({ host: inv.env.DOCKER_HOST });
    const tag = await recipeTag(imageKitDir);
    if (action === 'list') {
      const images = localImages(tag);
      const missing = await missingImages(docker, images);
      const rows = Object.entries(images).map(([role, image]) => ({ role, image, present: !missing.includes(image) }));
      if (inv.values.json) inv.out.write(`${JSON.stringify({ tag, images: rows }, null, 2)}\n`);
      else inv.out.write(rows.map((r) => `${r.role.padEnd(10)} ${r.image.padEnd(36)} ${r.present ? 'present' : 'missing'}`).join('\n') + '\n');
      return missing.length ? 1 : 0;
    }
    const started = Date.now();
    const result = await buildImages({
      docker,
      kitDir: imageKitDir,
      tag,
      cacheDir: cacheDirOf({ cacheDir: inv.env.KAFKA_LAB_CACHE }),
      force: inv.values.force === true,
      signal: inv.signal,
      onLine: (line) => inv.out.write(`${line}\n`),
    });
    const names = Object.values(result.images).join(', ');
    inv.out.write(result.built ? `Built ${names} in ${((Date.now() - started) / 1000).toFixed(0)} s.\n` : `Images for this recipe are already present: ${names}.\n`);
    return 0;
  },
};
