// Journey, on a phone (375x812): a quality analyst submits an evaluation of an agent's call (set up
// through the API); the agent finds it on their home, reads the score and every answer, and
// acknowledges it with a comment.
import { expect } from "@playwright/test";
import { apiToken, checkA11y, DOMAIN, emailOf, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Elif Yilmaz";
const ANALYST = `noor.haddad@${DOMAIN}`;

test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
test.setTimeout(90_000);

type Question = { id: string; kind: string; points: number; scale_max: number | null };

test("an agent reads an evaluation of their call and acknowledges it on a phone", async ({ page, request }, info) => {
  const auth = { Authorization: `Bearer ${await apiToken(request, ANALYST)}` };
  const agents = await (await request.get("/api/v1/users?role=AGENT&limit=200", { headers: auth })).json();
  const agent = agents.items.find((u: { name: string }) => u.name === AGENT);
  const forms = await (await request.get("/api/v1/evaluation-forms?channel=CALL", { headers: auth })).json();
  const form = forms.find((f: { name: string }) => f.name === "Inbound calls");
  const questions: Question[] = form.sections.flatMap((s: { questions: Question[] }) => s.questions);
  const answers = questions.map((q) => ({
    question_id: q.id,
    value: q.kind === "YES_NO" ? "YES" : q.kind === "SCALE" ? (q.scale_max ?? 5) - 1 : q.points,
  }));
  answers[0].value = "NO";
  const draft = await request.post("/api/v1/evaluations", {
    headers: auth,
    data: {
      form_id: form.id, agent_id: agent.id, channel: "CALL", interaction_id: "CALL-E2E-1",
      interaction_url: "https://contact-centre.example.com/interactions/CALL-E2E-1",
      occurred_at: new Date(Date.now() - 3600 * 1000).toISOString(), duration_seconds: 312, answers,
      strengths: "Clear next steps and a calm tone.", opportunities: "Use the full greeting every time.",
    },
  });
  expect(draft.status()).toBe(201);
  const created = await draft.json();
  const submitted = await request.post(`/api/v1/evaluations/${created.id}/submit`, { headers: auth, data: { version: created.version } });
  expect(submitted.ok()).toBeTruthy();
  const score = (await submitted.json()).score as number;

  const problems = watchConsole(page);
  await signIn(page, emailOf(AGENT));
  const list = page.getByTestId("evaluations");
  await expect(list.getByRole("link").first()).toBeVisible();
  await checkA11y(page, "agent-home-evaluations-phone");
  await list.getByRole("link").first().click();
  await expect(page.getByTestId("evaluation-status")).toHaveText("Waiting for the agent");
  await expect(page.getByTestId("evaluation-score")).toContainText(String(score).split(".")[0]);
  await expect(page.getByText("Used the greeting and gave their name")).toBeVisible();
  await checkA11y(page, "evaluation-phone");
  await shot(page, info, "evaluation");
  await page.getByTestId("ack-comment").fill("Thanks, I will use the full greeting.");
  await page.getByTestId("acknowledge").click();
  await expect(page.getByTestId("evaluation-status")).toHaveText("Acknowledged");
  await expect(page.getByText("I will use the full greeting")).toBeVisible();
  await shot(page, info, "evaluation-acknowledged");
  expect(problems).toEqual([]);
});
