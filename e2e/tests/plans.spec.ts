// Journey: the team leader drafts and submits an improvement plan, the manager sends it back with
// a reason (the team leader is told who and why), the team leader changes the draft and submits
// it again, the manager approves it, the agent (who sees its items only now) acknowledges it, and
// the team leader records a checkpoint. Each in their own browser.
import { expect } from "@playwright/test";
import { checkA11y, dayFromNow, emailOf, LEADER, settled, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Dana Whitfield";
const MANAGER = "Grace Okafor";

test.setTimeout(120_000);

test("a plan goes from the team leader to the manager to the agent and back", async ({ newContext }, info) => {
  const title = `Shorter holds ${Date.now()}`;
  const month = dayFromNow(35).slice(0, 7);

  // The team leader drafts the plan and submits it.
  const leader = await (await newContext()).newPage();
  const leaderProblems = watchConsole(leader);
  await signIn(leader, LEADER);
  await leader.getByTestId("nav-plans").click();
  await leader.getByTestId("new-plan").click();
  await leader.getByTestId("plan-agent").selectOption({ label: AGENT });
  await leader.getByTestId("plan-title").fill(title);
  await leader.getByTestId("plan-goal").fill("Bring average hold time under a minute by using the knowledge base first.");
  await leader.getByTestId("plan-item-title").first().fill("Shadow a senior agent for two calls");
  await leader.getByTestId("plan-item-due").first().fill(dayFromNow(14));
  await leader.getByRole("button", { name: "Add a target" }).click();
  await leader.getByTestId("plan-target-kpi").selectOption({ index: 1 });
  await leader.getByTestId("plan-target-value").fill("80");
  await leader.getByTestId("plan-target-month").fill(month);
  await checkA11y(leader, "new-plan");
  await shot(leader, info, "plan-new");
  await leader.getByTestId("plan-save").click();
  await expect(leader.getByTestId("plan-title")).toHaveText(title);
  await expect(leader.getByTestId("plan-status")).toHaveText("Draft");
  await leader.getByTestId("plan-submit").click();
  await expect(leader.getByTestId("plan-status")).toHaveText("Waiting for approval");
  const planUrl = leader.url();

  // The manager finds it waiting for them, and approves it.
  const manager = await (await newContext()).newPage();
  const managerProblems = watchConsole(manager);
  await signIn(manager, emailOf(MANAGER));
  await manager.getByTestId("nav-plans").click();
  await settled(manager);
  await manager.getByTestId("plans-waiting").getByRole("link", { name: title }).click();
  await expect(manager.getByTestId("plan-targets")).toBeVisible();
  await checkA11y(manager, "plan-approval");
  await shot(manager, info, "plan-approval");

  // The agent, on a phone, sees the plan waiting but none of its items yet.
  const agentContext = await newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const agent = await agentContext.newPage();
  const agentProblems = watchConsole(agent);
  await signIn(agent, emailOf(AGENT));
  await agent.goto(planUrl);
  await expect(agent.getByTestId("plan-status")).toHaveText("Waiting for approval");
  await expect(agent.getByText("Shadow a senior agent for two calls")).toHaveCount(0);

  // Sent back: the team leader is told who and why, changes the draft and submits it again.
  await manager.getByTestId("plan-reject").click();
  await manager.getByTestId("plan-reject-reason").fill("Aim higher: 85 is realistic for Dana.");
  await manager.getByTestId("plan-reject-confirm").click();
  await expect(manager.getByTestId("plan-status")).toHaveText("Draft");
  await leader.reload();
  await expect(leader.getByTestId("plan-rejection")).toContainText("Aim higher");
  await leader.getByTestId("bell").click();
  await expect(leader.getByTestId("inbox")).toContainText(`${MANAGER} sent back the action plan`);
  await leader.getByTestId("bell").click();
  await leader.getByTestId("plan-edit").click();
  await leader.getByTestId("plan-target-value").fill("85");
  await leader.getByTestId("plan-edit-goal").fill("Bring average hold time under 50 seconds by using the knowledge base first.");
  await checkA11y(leader, "plan-edit");
  await shot(leader, info, "plan-edit");
  await leader.getByTestId("plan-edit-save").click();
  await expect(leader.getByTestId("plan-targets")).toContainText("85");
  await leader.getByTestId("plan-submit").click();
  await expect(leader.getByTestId("plan-status")).toHaveText("Waiting for approval");
  await manager.reload();
  await manager.getByTestId("plan-approve").click();
  await expect(manager.getByTestId("plan-status")).toHaveText("Active");

  // The agent acknowledges it; its items show now.
  await agent.reload();
  await expect(agent.getByText("Shadow a senior agent for two calls")).toBeVisible();
  await agent.getByTestId("plan-ack-comment").fill("Agreed, I will book the shadowing this week.");
  await agent.getByTestId("plan-acknowledge").click();
  await expect(agent.getByTestId("plan-acknowledged")).toContainText("Agreed");
  await checkA11y(agent, "plan-agent");
  await shot(agent, info, "plan-agent");

  // The team leader records a checkpoint; the history tells the whole story.
  await leader.reload();
  await expect(leader.getByTestId("plan-status")).toHaveText("Active");
  await leader.getByTestId("checkpoint-notes").fill("First shadowing done; holds already shorter.");
  await leader.getByTestId("checkpoint-save").click();
  await expect(leader.getByTestId("plan-checkpoints")).toContainText("First shadowing done");
  const history = leader.getByTestId("plan-history");
  // Drafted, submitted, sent back, edited, submitted, approved, acknowledged, checkpoint.
  await expect(history.locator("li")).toHaveCount(8);
  await expect(history.locator("li").first()).toContainText("recorded a checkpoint");
  await expect(history).toContainText("approved it");
  await expect(history).toContainText("acknowledged it");
  await checkA11y(leader, "plan");
  await shot(leader, info, "plan");
  await leader.setViewportSize({ width: 375, height: 812 });
  await shot(leader, info, "plan");

  expect([...leaderProblems, ...managerProblems, ...agentProblems]).toEqual([]);
});
