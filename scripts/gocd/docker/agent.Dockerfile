# A GoCD agent for the Session API pipelines: the official agent image (which has git) plus
# Node.js 22 and npm, copied from the official Node.js image so both come from their makers.
# No AWS credentials are baked in: see PIPELINES.md, "AWS credentials".
ARG GOCD_VERSION=v25.1.0
FROM node:22-bookworm-slim AS node

FROM gocd/gocd-agent-ubuntu-24.04:${GOCD_VERSION}
USER root
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
# Back to the image's own unprivileged user: jobs never run as root.
USER go
