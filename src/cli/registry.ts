// Every command by name, with the line the overview shows. A command's module (and what it imports:
// Docker, Kafka, Ink) is loaded only when that command runs, so `--help` and a quick check start at once.
import type { Command } from './command.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: 'up',
    summary: 'Create or complete the stack (ZooKeeper + 3 brokers) and wait until the cluster is ready.',
    load: async () => (await import('../commands/up.js')).upCommand,
  },
  {
    name: 'status',
    summary:
      'Show the stack, its containers and their state, the brokers the cluster reports, the controller and the bootstrap servers.',
    load: async () => (await import('../commands/status.js')).statusCommand,
  },
  {
    name: 'stacks',
    summary: 'List every kafka-lab stack on this host: state, bootstrap servers, age and resident memory.',
    load: async () => (await import('../commands/stacks.js')).stacksCommand,
  },
  {
    name: 'down',
    summary: "Remove the stack's containers and network (and its volumes with --volumes).",
    load: async () => (await import('../commands/down.js')).downCommand,
  },
  {
    name: 'reset',
    summary: 'Return the stack to a fresh, empty, healthy cluster (topics and groups are gone).',
    load: async () => (await import('../commands/reset.js')).resetCommand,
  },
  {
    name: 'labs',
    summary: 'List the course and its tracks in teaching order, or validate lab files against the lab schema.',
    load: async () => (await import('../commands/labs.js')).labsCommand,
  },
  {
    name: 'lab',
    summary: 'Open the lab screen: pick a lab, follow its steps, check them and watch the cluster live.',
    load: async () => (await import('../commands/lab.js')).labCommand,
  },
  {
    name: 'show',
    summary: "Show a lab's steps: instructions and the exact commands to type for this stack.",
    load: async () => (await import('../commands/show.js')).showCommand,
  },
  {
    name: 'check',
    summary: 'Check one step of a lab, or all of them, against the live cluster.',
    load: async () => (await import('../commands/check.js')).checkCommand,
  },
  {
    name: 'solve',
    summary: "Run a step's reference solution (or every step's, in order), then check it.",
    load: async () => (await import('../commands/solve.js')).solveCommand,
  },
  {
    name: 'grade',
    summary: 'Grade a lab with its rubric in graders/: one stack, every stack on the host, or a roster of students.',
    load: async () => (await import('../commands/grade.js')).gradeCommand,
  },
  {
    name: 'submit',
    summary: "Write a lab's submission file from your cluster, for an instructor to grade on another machine.",
    load: async () => (await import('../commands/submit.js')).submitCommand,
  },
  {
    name: 'gradescope',
    summary: 'Write a Gradescope autograder (a zip) that grades submission files of a lab with its rubric.',
    load: async () => (await import('../commands/gradescope.js')).gradescopeCommand,
  },
  {
    name: 'fault',
    summary: "Inject a fault into one of the stack's containers, or undo one.",
    load: async () => (await import('../commands/fault.js')).faultCommand,
  },
  {
    name: 'heal',
    summary: 'Undo every fault on the stack: reconnect, unpause and start its containers.',
    load: async () => (await import('../commands/fault.js')).healCommand,
  },
  {
    name: 'events',
    summary: "Show the stack's event log of faults and heals.",
    load: async () => (await import('../commands/fault.js')).eventsCommand,
  },
  {
    name: 'verify',
    summary: 'Prove durability: numbered writes with acks=all, a fault mid-stream, heal, read everything back.',
    load: async () => (await import('../commands/verify.js')).verifyCommand,
  },
  {
    name: 'simulate',
    summary: "Produce a stream of keyed JSON purchases (product id as key), like the workshop's sales simulator.",
    load: async () => (await import('../commands/simulate.js')).simulateCommand,
  },
  {
    name: 'images',
    summary:
      "Build kafka-lab's offline images (drop-in replacements for Confluent's cp-zookeeper, cp-kafka and for kcat), or carry a stack's images to another host in one file.",
    load: async () => (await import('../commands/images.js')).imagesCommand,
  },
  {
    name: 'doctor',
    summary: 'Check this host before a class: Docker, images, memory and ports for N stacks, clock.',
    load: async () => (await import('../commands/doctor.js')).doctorCommand,
  },
];
