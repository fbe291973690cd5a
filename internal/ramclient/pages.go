package ramclient

import (
	"context"
	"strconv"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// listPageSize is the MaxItems of every paginated list: RAM's maximum, so a list costs as few calls as it can.
const listPageSize = 1000

// listPage is one page of a Marker-paginated RAM list.
type listPage[T any] struct {
	Items       []T
	Marker      string // where the next page starts
	IsTruncated bool
}

// listAll reads every page of a Marker-paginated list action. fetch sends one request starting at marker
// (with MaxItems listPageSize) and returns the page it got; it is called once per attempt of each page.
// The list ends when RAM says it is not truncated, or gives no new marker.
func listAll[T any](ctx context.Context, c *Client, action string,
	fetch func(rc *ram.Client, marker string) (responses.AcsResponse, listPage[T], error)) ([]T, error) {
	var out []T
	marker := ""
	for {
		var page listPage[T]
		err := c.callRAM(ctx, action, map[string]string{"Marker": marker, "MaxItems": strconv.Itoa(listPageSize)}, nil,
			func(rc *ram.Client) (responses.AcsResponse, error) {
				resp, p, err := fetch(rc, marker)
				page = p
				return resp, err
			})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if !page.IsTruncated || page.Marker == "" || page.Marker == marker {
			return out, nil
		}
		marker = page.Marker
	}
}
