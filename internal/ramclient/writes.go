package ramclient

import (
	"context"
	"errors"
	"net"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// Lost answers. A write whose connection breaks after the request went out may have been carried out by RAM
// (and committed) although no answer came back. invoke retries such transport errors like any other; for
// each write the client decides here whether sending the request again is safe:
//   - named creates (CreateRole, CreatePolicy, CreateUser, CreateLoginProfile) and attaches: a second
//     request answers "already exists", which the method reads back and checks before it calls it a conflict;
//   - deletes and detaches: a second request answers "not found", which after a lost answer means done;
//   - updates and tagging set a value, so sending them twice is the same as once;
//   - CreateAccessKey and CreatePolicyVersion make a new object on every call: they are never sent again blind.
//     The method looks at what the lost call made instead (lostAnswerError stops invoke's retries).

// codeLostAnswer is the code of a write's error when its answer was lost and it must not be sent again.
const codeLostAnswer = "LostAnswer"

// answerLost reports whether an attempt's raw error means the request may have reached RAM while its answer
// did not come back: a transport error other than failing to connect (a dial error means nothing was sent)
// or an untrusted certificate.
func answerLost(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return false
	}
	return isTransport(err)
}

// lostAnswerError stops the retries of a write that must not be sent twice; the method resolves it.
func lostAnswerError(action string, cause error) *APIError {
	return &APIError{Service: "RAM", Action: action, Code: codeLostAnswer,
		Message: "the connection broke after the request was sent: RAM may have carried it out", cause: cause}
}

// isLostAnswer reports whether err is a lost answer of a write that was not sent again.
func isLostAnswer(err error) bool { return HasCode(err, codeLostAnswer) }

// lostTracker wraps each attempt of one write call: it records whether any attempt's answer was lost and,
// when resend is false, turns such a loss into lostAnswerError so that invoke does not send it again.
type lostTracker struct {
	action string
	resend bool
	lost   bool
}

func (l *lostTracker) attempt(resp responses.AcsResponse, err error) (responses.AcsResponse, error) {
	if err != nil && answerLost(err) {
		l.lost = true
		if !l.resend {
			return resp, lostAnswerError(l.action, err)
		}
	}
	return resp, err
}

// write runs one RAM write action like callRAM and reports whether an answer was lost on the way (with
// resend, the request was then sent again; without, the error is lostAnswerError).
func (c *Client) write(ctx context.Context, action string, params map[string]string, extraSecrets []string, resend bool,
	fn func(rc *ram.Client) (responses.AcsResponse, error)) (lost bool, err error) {
	l := &lostTracker{action: action, resend: resend}
	err = c.callRAM(ctx, action, params, extraSecrets, func(rc *ram.Client) (responses.AcsResponse, error) {
		return l.attempt(fn(rc))
	})
	return l.lost, err
}

// invalidResponse is the error for an answer that cannot be decoded.
func invalidResponse(action string, err error) *APIError {
	msg := "the answer has no result"
	if err != nil {
		msg = "cannot decode the answer: " + err.Error()
	}
	return &APIError{Service: "RAM", Action: action, Code: "InvalidResponse", Message: msg, cause: err}
}

// maxLostAnswerRetries bounds how often a write that is never sent again blind (CreateAccessKey,
// CreatePolicyVersion) is tried anew after lost answers, whatever MaxRetries allows.
const maxLostAnswerRetries = 8

// againAfterLost waits out the backoff before such a write is tried anew after its attempt-th lost answer;
// false when it must not be (retries or the deadline exhausted).
func (c *Client) againAfterLost(ctx context.Context, attempt int) bool {
	if attempt > min(c.cfg.MaxRetries, maxLostAnswerRetries) {
		return false
	}
	return sleepCtx(ctx, c.backoff(attempt))
}
