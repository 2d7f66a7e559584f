# syntax=docker/dockerfile:1
# scim-migrate in a container: docker build -t scim-migrate .
# The image holds the static binary only, runs as an unprivileged user and
# writes nothing outside the directories it is given (reports, its lock).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# docker build --build-arg VERSION=v1.2.3 sets what --version prints.
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/scim-migrate .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/scim-migrate /scim-migrate
USER nonroot
ENTRYPOINT ["/scim-migrate"]
