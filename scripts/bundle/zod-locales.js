// zod's namespace re-exports every locale; kafka-lab writes its own messages in English.
export { default as en } from 'zod/v4/locales/en.js';
