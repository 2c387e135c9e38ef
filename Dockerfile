# syntax=docker/dockerfile:1
# One image, four entry points: `digest api | worker | scheduler | all`.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
# Compiles src/ and copies its Lua scripts (src/**/lua/*.lua) next to the compiled modules.
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    SOURCES_FILE=/app/config/sources.json \
    OUTBOX_DIR=/app/outbox
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY templates ./templates
COPY config ./config
RUN mkdir -p /app/outbox && chown node:node /app/outbox
USER node
EXPOSE 3000
ENTRYPOINT ["node", "bin/digest.js"]
CMD ["all"]
