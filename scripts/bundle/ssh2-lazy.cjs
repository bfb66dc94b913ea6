// docker-modem requires ssh2 (with its crypto) at start-up, for DOCKER_HOST=ssh://... only. The bundle
// gives it this stand-in, which loads the real ssh2 (bundled on its own as dist/bin/ssh2.cjs) on the first
// SSH connection.
module.exports = {
  Client: function Client(...args) {
    const { Client: Real } = require('ssh2');
    return new Real(...args);
  },
};
