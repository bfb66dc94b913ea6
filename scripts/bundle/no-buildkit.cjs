// dockerode loads gRPC and protobuf for BuildKit sessions at start-up; kafka-lab never builds
// images through dockerode (compose/images/build.sh does, with the docker CLI), so the bundle
// carries this stand-in instead of some 150 modules. Any use is a bug, and says so.
module.exports = new Proxy(
  {},
  {
    get(_target, name) {
      throw new Error(`kafka-lab's bundle leaves out dockerode's BuildKit support (asked for ${String(name)})`);
    },
  },
);
