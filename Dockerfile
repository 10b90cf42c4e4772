# syntax=docker/dockerfile:1
# One image for the gateway and the four subgraphs; docker-compose.yml picks the entry point per service
# (node <workspace>/dist/index.js). Build: docker build -t social .
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV CI=true
# The npm the lockfile was written with (package.json "packageManager").
RUN npm install -g npm@11.6.0 --no-audit --no-fund

# Only the manifests, so the dependency layer below is rebuilt when they change, not on every source edit.
FROM base AS manifests
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
  && find . -depth -type d -empty -delete

FROM base AS deps
COPY --from=manifests /app ./
# `npm install --no-save` installs the same locked versions when `npm ci` refuses a lockfile that lacks other
# platforms' optional builds (the mirror the lockfile was written against does not have them all). Lockfile
# drift is caught by .ci/run, not here.
RUN npm ci --no-audit --no-fund || npm install --no-save --no-audit --no-fund

FROM deps AS build
COPY . .
# Every workspace's dist/, and the supergraph.graphql the gateway serves (composed from the SDL files).
RUN npx turbo run build \
  && npm run compose \
  && test -f supergraph.graphql \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf .turbo node_modules/.cache

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY --from=build /app ./
USER node
# Each service stops gracefully on SIGTERM (stopOnSignals in @social/kit).
STOPSIGNAL SIGTERM
EXPOSE 4000 4001 4002 4003 4004
CMD ["node", "gateway/dist/index.js"]
