CREATE TABLE `run_samples` (
	`run_id` text NOT NULL,
	`key` text NOT NULL,
	`model` text NOT NULL,
	`storyline_id` text NOT NULL,
	`condition_id` text NOT NULL,
	`sample_index` integer NOT NULL,
	`episode_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`ended_by` text,
	`turns` integer DEFAULT 0 NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real,
	`attempts` integer DEFAULT 1 NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	PRIMARY KEY(`run_id`, `key`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`episode_id`) REFERENCES `episodes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_samples_episode_id_unique` ON `run_samples` (`episode_id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`spec_hash` text NOT NULL,
	`spec` text NOT NULL,
	`status` text NOT NULL,
	`owner` text,
	`heartbeat_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
