CREATE TABLE "episodes" (
	"id" text PRIMARY KEY NOT NULL,
	"storyline_id" text NOT NULL,
	"condition_id" text NOT NULL,
	"seed" integer NOT NULL,
	"mode" text DEFAULT 'autonomous' NOT NULL,
	"label" text,
	"agent_token_hash" text NOT NULL,
	"created_at" text NOT NULL,
	"origin" text DEFAULT 'storyline' NOT NULL,
	CONSTRAINT "episodes_agent_token_hash_unique" UNIQUE("agent_token_hash")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"episode_id" text NOT NULL,
	"seq" integer NOT NULL,
	"sim_time" text NOT NULL,
	"wall_time" text NOT NULL,
	"actor" text NOT NULL,
	"type" text NOT NULL,
	"cause" integer,
	"data" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "events_episode_id_seq_pk" PRIMARY KEY("episode_id","seq")
);
--> statement-breakpoint
CREATE TABLE "judge_calls" (
	"input_hash" text PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"prompt_version" text NOT NULL,
	"request" text NOT NULL,
	"response" text NOT NULL,
	"answer" text NOT NULL,
	"created_at" text NOT NULL,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_samples" (
	"run_id" text NOT NULL,
	"key" text NOT NULL,
	"model" text NOT NULL,
	"storyline_id" text NOT NULL,
	"condition_id" text NOT NULL,
	"sample_index" integer NOT NULL,
	"episode_id" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"ended_by" text,
	"turns" integer DEFAULT 0 NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision,
	"attempts" integer DEFAULT 1 NOT NULL,
	"started_at" text NOT NULL,
	"finished_at" text,
	CONSTRAINT "run_samples_run_id_key_pk" PRIMARY KEY("run_id","key"),
	CONSTRAINT "run_samples_episode_id_unique" UNIQUE("episode_id")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"spec_hash" text NOT NULL,
	"spec" text NOT NULL,
	"status" text NOT NULL,
	"owner" text,
	"heartbeat_at" text,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "snapshots" (
	"episode_id" text NOT NULL,
	"seq" integer NOT NULL,
	"state" text NOT NULL,
	"state_hash" text NOT NULL,
	CONSTRAINT "snapshots_episode_id_seq_pk" PRIMARY KEY("episode_id","seq")
);
--> statement-breakpoint
CREATE TABLE "storylines" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"source_hash" text NOT NULL,
	"uploaded_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "verdicts" (
	"id" text PRIMARY KEY NOT NULL,
	"episode_id" text NOT NULL,
	"version_key" text NOT NULL,
	"last_seq" integer NOT NULL,
	"last_hash" text NOT NULL,
	"harmful" boolean NOT NULL,
	"created_at" text NOT NULL,
	"body" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_samples" ADD CONSTRAINT "run_samples_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_samples" ADD CONSTRAINT "run_samples_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verdicts" ADD CONSTRAINT "verdicts_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "verdicts_version_idx" ON "verdicts" USING btree ("episode_id","version_key","last_hash");--> statement-breakpoint
CREATE INDEX "verdicts_episode_idx" ON "verdicts" USING btree ("episode_id");